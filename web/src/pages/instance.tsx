import { ENDED_STATES, type Instance, isOneOf, type MarketplaceClient } from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { LiveLogs } from "../components/logs.tsx";
import { Receipts } from "../components/receipts.tsx";
import { RequireSession } from "../components/require-session.tsx";
import { ErrorNote, QueryView } from "../components/status.tsx";
import { TxLink } from "../components/tx-link.tsx";
import { UsageChart } from "../components/usage-chart.tsx";
import { keys } from "../lib/api.ts";
import { formatDuration, formatGpuc, formatTime } from "../lib/format.ts";
import { useInstanceStream } from "../lib/live.ts";
import { networkFee } from "../lib/transactions.ts";
import { useWallet } from "../wallet/wallet.tsx";

export default function InstancePage({ id }: { id: string }) {
  return (
    <>
      <h1>Instance {id.slice(0, 8)}</h1>
      <RequireSession why="see this instance">
        {(client) => <InstanceView client={client} id={id} />}
      </RequireSession>
    </>
  );
}

function InstanceView({ client, id }: { client: MarketplaceClient; id: string }) {
  const query = useQuery({
    queryKey: keys.instance(id),
    queryFn: ({ signal }) => client.instance(id, { signal }),
  });
  useInstanceStream(client, id);
  return (
    <QueryView query={query} what="the instance">
      {(instance) => (
        <>
          <Timeline instance={instance} />
          <Facts instance={instance} />
          <Actions client={client} instance={instance} />
          {instance.escrowBoxId && <Receipts client={client} instanceId={instance.id} />}
          {instance.executorUrl && isOneOf(instance.state, ["Starting", "Running", "Stopping"] as const) && (
            <>
              <LiveLogs client={client} instanceId={instance.id} executorUrl={instance.executorUrl} />
              <UsageChart client={client} instanceId={instance.id} executorUrl={instance.executorUrl} />
            </>
          )}
        </>
      )}
    </QueryView>
  );
}

const HAPPY_PATH = ["Created", "Funded", "Starting", "Running", "Stopping", "Completed"] as const;

/** Created → Funded → Starting → Running → …, the current step marked; a failure or dispute shown with why. */
function Timeline({ instance }: { instance: Instance }) {
  const reached = HAPPY_PATH.indexOf(instance.state as (typeof HAPPY_PATH)[number]);
  return (
    <section aria-label="Progress">
      <ol className="timeline" data-testid="timeline">
        {HAPPY_PATH.map((state, index) => (
          <li
            key={state}
            className={index === reached ? "now" : index < reached ? "done" : undefined}
            aria-current={index === reached ? "step" : undefined}
          >
            {state}
          </li>
        ))}
        {reached < 0 && (
          <li className="now" aria-current="step">
            {instance.state}
          </li>
        )}
      </ol>
      <p role="status" aria-live="polite" data-testid="state">
        {instance.state}
        {instance.closeReason ? ` — ${instance.closeReason.replace(/_/g, " ")}` : ""}
        {instance.closeDetail ? `: ${instance.closeDetail}` : ""}
      </p>
    </section>
  );
}

function Facts({ instance }: { instance: Instance }) {
  const { network } = useWallet();
  return (
    <dl className="facts">
      <dt>Image</dt>
      <dd>
        <code>{instance.image}</code>
      </dd>
      <dt>Offer</dt>
      <dd>
        <Link href={`/offers/${instance.gpuId}`}>{instance.gpuId.slice(0, 8)}</Link>
      </dd>
      <dt>Prepaid</dt>
      <dd>
        {instance.hours} h × {formatGpuc(instance.pricePerHour)} = {formatGpuc(instance.amount)}
      </dd>
      <dt>Funded</dt>
      <dd>{formatTime(instance.fundedAt)}</dd>
      <dt>Prepaid until</dt>
      <dd>{formatTime(instance.expiresAt)}</dd>
      {instance.billedSeconds !== null && (
        <>
          <dt>Billed</dt>
          <dd>{formatDuration(instance.billedSeconds)}</dd>
        </>
      )}
      <dt>Escrow transaction</dt>
      <dd>
        <TxLink txId={instance.escrowTxId} network={network} />
      </dd>
      <dt>Settlement transaction</dt>
      <dd data-testid="settlement-tx">
        <TxLink txId={instance.settlementTxId} network={network} />
      </dd>
      {instance.disputeReason && (
        <>
          <dt>Dispute</dt>
          <dd>
            {instance.disputeReason}
            {instance.disputeReceiptLeaf && (
              <>
                {" "}
                (receipt <code>{instance.disputeReceiptLeaf.slice(0, 12)}</code>)
              </>
            )}
          </dd>
        </>
      )}
      {instance.resolvedReceiptLeaf && (
        <>
          <dt>Resolved on receipt</dt>
          <dd>
            <code>{instance.resolvedReceiptLeaf.slice(0, 12)}</code>
          </dd>
        </>
      )}
    </dl>
  );
}

/** Stop, top up, dispute: each reports its outcome here; a top-up is submitted only once the wallet signed it. */
function Actions({ client, instance }: { client: MarketplaceClient; instance: Instance }) {
  const wallet = useWallet();
  const queries = useQueryClient();
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  // The receipts list's query (same key): a dispute may name one of them.
  const receipts = useQuery({
    queryKey: keys.receipts(instance.id),
    queryFn: ({ signal }) => client.instanceReceipts(instance.id, { signal }),
    enabled: instance.escrowBoxId !== null,
  });
  const ended = isOneOf(instance.state, ENDED_STATES);
  const live = isOneOf(instance.state, ["Funded", "Starting", "Running"] as const);

  const run = async (label: string, action: () => Promise<Instance | string>) => {
    setBusy(label);
    setError(undefined);
    setNotice(undefined);
    try {
      const result = await action();
      if (typeof result === "string") setNotice(result);
      else queries.setQueryData(keys.instance(result.id), result);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(undefined);
    }
  };

  const stop = () =>
    run("stop", async () => {
      await client.stopInstance(instance.id);
      return "Stopping: the provider settles the hours used and the rest comes back to you.";
    });

  const topUp = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const hours = Number(new FormData(event.currentTarget).get("hours"));
    void run("top-up", async () => {
      const created = await client.extendInstance(instance.id, hours);
      const fee = networkFee(created.unsignedTx);
      setNotice(`Sign the top-up of ${hours} h in Nautilus${fee ? ` (network fee ${fee})` : ""}.`);
      const signed = await wallet.sign(created.unsignedTx as UnsignedTransaction, "the top-up");
      await client.fundExtension(instance.id, signed);
      // The marketplace records the new hours once the top-up confirms; the stream then updates the page.
      const held = BigInt(instance.amount) + BigInt(instance.pricePerHour) * BigInt(hours);
      return `Top-up of ${hours} h submitted: the escrow holds ${formatGpuc(held)} once it confirms.`;
    });
  };

  // The trustless path: the consumer takes the escrow back by the contract alone, paying the started hours.
  const exit = () =>
    run("exit", async () => {
      const built = await client.exitInstance(instance.id);
      setNotice(
        `Sign the exit in Nautilus: ${formatGpuc(built.refund)} back to you, ${formatGpuc(built.providerShare)} ` +
          `to the provider for the started hours (fee ${formatGpuc(built.fee)} of it to the protocol).`,
      );
      const signed = await wallet.sign(built.unsignedTx as UnsignedTransaction, "the exit");
      const exited = await client.submitExit(instance.id, signed);
      queries.setQueryData(keys.instance(exited.id), exited);
      return `Exited: ${formatGpuc(built.refund)} comes back to you when the transaction confirms.`;
    });

  const dispute = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reason = String(form.get("reason") ?? "");
    const receiptLeaf = String(form.get("receiptLeaf") ?? "") || undefined;
    void run("dispute", () => client.disputeInstance(instance.id, reason, { receiptLeaf }));
  };

  if (ended && instance.state !== "Completed" && instance.state !== "Failed") return null;
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {live && (
        <div className="row">
          <button type="button" onClick={stop} disabled={busy !== undefined}>
            {busy === "stop" ? "Stopping…" : "Stop instance"}
          </button>
          {instance.escrowBoxId && (
            <button type="button" className="secondary" onClick={exit} disabled={busy !== undefined}>
              {busy === "exit" ? "Exiting…" : "Exit without the provider"}
            </button>
          )}
        </div>
      )}
      {live && (
        <form className="row" onSubmit={topUp} aria-label="Top up">
          <label>
            Add hours
            <input name="hours" type="number" min={1} max={8760} defaultValue={1} required />
          </label>
          <button type="submit" disabled={busy !== undefined}>
            {busy === "top-up" ? "Topping up…" : "Top up"}
          </button>
        </form>
      )}
      {instance.state !== "Disputed" && instance.state !== "Created" && (
        <form className="row" onSubmit={dispute} aria-label="Dispute">
          <label>
            Something wrong? Tell the arbiter
            <input name="reason" required maxLength={2000} placeholder="e.g. the GPU was not there" />
          </label>
          {receipts.data && receipts.data.receipts.length > 0 && (
            <label>
              About receipt
              <select name="receiptLeaf" defaultValue="">
                <option value="">— none —</option>
                {receipts.data.receipts.map((r) => (
                  <option key={r.leaf} value={r.leaf}>
                    period {r.receipt.period}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" className="secondary" disabled={busy !== undefined}>
            Dispute
          </button>
        </form>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </section>
  );
}
