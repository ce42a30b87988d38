import type { MarketplaceClient } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../lib/api.ts";
import { formatDuration } from "../lib/format.ts";
import { useWallet } from "../wallet/wallet.tsx";
import { receiptMark } from "./receipt-mark.ts";
import { Empty, QueryView } from "./status.tsx";
import { TxLink } from "./tx-link.tsx";

/**
 * The rental's usage receipts, one per paid billing period, each with its "verified" mark (see `receiptMark`):
 * what ran (seconds, GPUs, image digest) as the provider signed it, and the settlement that paid for it.
 */
export function Receipts({ client, instanceId }: { client: MarketplaceClient; instanceId: string }) {
  const { network } = useWallet();
  const query = useQuery({
    queryKey: keys.receipts(instanceId),
    queryFn: ({ signal }) => client.instanceReceipts(instanceId, { signal }),
  });
  return (
    <section aria-labelledby="receipts-title">
      <h2 id="receipts-title">Usage receipts</h2>
      <QueryView query={query} what="the receipts">
        {({ receipts }) =>
          receipts.length === 0 ? (
            <Empty>No receipts yet: the provider signs one for each billing period it is paid for.</Empty>
          ) : (
            <table data-testid="receipts">
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Ran</th>
                  <th scope="col">GPUs</th>
                  <th scope="col">Image</th>
                  <th scope="col">Settlement</th>
                  <th scope="col">Verified</th>
                </tr>
              </thead>
              <tbody>
                {receipts.map((served) => {
                  const { receipt } = served;
                  const mark = receiptMark(served);
                  return (
                    <tr key={served.leaf} data-leaf={served.leaf}>
                      <td>{receipt.period}</td>
                      <td>{formatDuration(receipt.seconds)}</td>
                      <td>{receipt.gpus.map((gpu) => gpu.model).join(", ") || "CPU only"}</td>
                      <td>
                        <code title={receipt.imageDigest}>{receipt.imageDigest.slice(7, 19)}</code>
                      </td>
                      <td>
                        <TxLink txId={served.txId} network={network} />
                      </td>
                      <td
                        className={
                          mark.state === "verified" ? "ok" : mark.state === "failed" ? "bad" : "muted"
                        }
                      >
                        {mark.state === "verified"
                          ? "✓ verified"
                          : mark.state === "pending"
                            ? "pending"
                            : "✗ not verified"}
                        {mark.state !== "verified" && <span className="muted">: {mark.why}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}
