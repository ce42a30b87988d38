import type { Deposit, MarketplaceClient } from "@gpuc/sdk";
import { ProblemError } from "@gpuc/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatTime } from "../../lib/format.ts";
import { useWallet } from "../../wallet/wallet.tsx";
import { Empty, QueryView } from "../status.tsx";
import { TxLink } from "../tx-link.tsx";

/** A marketplace without the bridge answers 404 on its routes: the section then says so once. */
const bridgeOff = (error: unknown) => error instanceof ProblemError && error.status === 404;

/**
 * Rosen Bridge in: for each source chain, what to lock and the Ergo address to name (the wallet's own: Rosen pays
 * P2PK addresses only), the bridged tokens and which ones swap into GPUC, then the deposits as they arrive.
 */
export function BridgeIn({ client, address }: { client: MarketplaceClient; address: string }) {
  const guide = useQuery({
    queryKey: ["bridge-in"],
    queryFn: ({ signal }) => client.bridgeIn({ signal }),
    retry: false,
  });
  const tokens = useQuery({
    queryKey: ["bridge-tokens"],
    queryFn: ({ signal }) => client.bridgeTokens({ signal }),
    retry: false,
  });
  if (bridgeOff(guide.error)) return <Empty>This marketplace does not follow Rosen Bridge deposits.</Empty>;
  return (
    <>
      <QueryView query={guide} what="the bridge routes">
        {(routes) => (
          <>
            <p>
              In{" "}
              <a href={routes.rosenAppUrl} target="_blank" rel="noreferrer">
                Rosen's app
              </a>
              , lock the token on its chain and name this Ergo address as the receiver:{" "}
              <code data-testid="bridge-address">{routes.toAddress}</code>
            </p>
            <div className="table-wrap">
              <table>
                <caption>What to lock, and what arrives on Ergo</caption>
                <thead>
                  <tr>
                    <th scope="col">From chain</th>
                    <th scope="col">Lock</th>
                    <th scope="col">You receive</th>
                    <th scope="col">Swaps into GPUC</th>
                  </tr>
                </thead>
                <tbody>
                  {routes.chains.flatMap((chain) =>
                    chain.routes.map((route) => (
                      <tr key={`${chain.chain}:${route.lock.tokenId}`}>
                        <td>{chain.chain}</td>
                        <td>{route.lock.name}</td>
                        <td>{route.receive.name}</td>
                        <td>{route.receive.swappable ? "Yes" : "No"}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryView>
      <QueryView query={tokens} what="the bridged tokens">
        {(map) => (
          <ul data-testid="bridge-tokens">
            {map.tokens
              .filter((token) => token.residency === "wrapped" || token.usdPegged)
              .map((token) => (
                <li key={token.tokenId}>
                  <strong>{token.name}</strong> (from {token.originChain}):{" "}
                  {token.swappable ? "swaps into GPUC below" : (token.reason ?? "cannot be swapped directly")}
                </li>
              ))}
          </ul>
        )}
      </QueryView>
      <Deposits client={client} address={address} />
    </>
  );
}

/** The wallet's bridged deposits; the page is told (a live region) when one confirms. */
function Deposits({ client, address }: { client: MarketplaceClient; address: string }) {
  const { network } = useWallet();
  const queries = useQueryClient();
  const [arrived, setArrived] = useState<Deposit>();
  const deposits = useQuery({
    queryKey: ["bridge-deposits", address],
    queryFn: ({ signal }) => client.bridgeDeposits({}, { signal }),
    retry: false,
  });
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        for await (const deposit of client.bridgeDepositStream({ signal: abort.signal })) {
          if (deposit.confirmed) setArrived(deposit);
          void queries.invalidateQueries({ queryKey: ["bridge-deposits", address] });
          void queries.invalidateQueries({ queryKey: ["balances", address] });
        }
      } catch {
        // Aborted, or the bridge is off: the list above still shows what is known.
      }
    })();
    return () => abort.abort();
  }, [client, address, queries]);
  return (
    <>
      <h3>Your deposits</h3>
      {arrived && (
        <p className="notice" role="status" data-testid="deposit-arrived">
          {arrived.amount} {arrived.tokenName} arrived and is confirmed.
        </p>
      )}
      <QueryView query={deposits} what="your deposits">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No bridged deposit yet. It shows here as soon as its transaction is seen.</Empty>
          ) : (
            <div className="table-wrap">
              <table data-testid="deposits">
                <thead>
                  <tr>
                    <th scope="col">Seen</th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col">Confirmations</th>
                    <th scope="col">Transaction</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((deposit) => (
                    <tr key={`${deposit.txId}:${deposit.tokenId}`}>
                      <td>{formatTime(deposit.seenAt)}</td>
                      <td className="num">
                        {deposit.amount} {deposit.tokenName}
                      </td>
                      <td>
                        {deposit.confirmed ? `${deposit.confirmations} (confirmed)` : deposit.confirmations}
                      </td>
                      <td>
                        <TxLink txId={deposit.txId} network={network} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
