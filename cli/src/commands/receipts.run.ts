import type { Amount, Box } from "@fleet-sdk/common";
import { type NodeChainClient, type ReceiptEvidence, verifyReceipt } from "@gpuc/offchain";
import { type InstanceReceipts, instanceIdParams } from "@gpuc/sdk";
import { CliError } from "../core/errors.ts";
import { checkRequest } from "../core/problems.ts";
import { table } from "../core/table.ts";
import { argument, type CommandEnv } from "./command.ts";
import { session } from "./session.ts";

type ServedReceipt = InstanceReceipts["receipts"][number];

/** One receipt's own verification: ok, or the first reason it fails. */
export interface ReceiptCheck {
  readonly period: number;
  readonly seconds: number;
  readonly txId: string;
  readonly leaf: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** Some receipts did not verify against the chain (exit 1); the table above says which and why. */
export class ReceiptsUnverifiedError extends CliError {
  constructor(
    readonly instanceId: string,
    readonly failed: readonly ReceiptCheck[],
  ) {
    super(
      `${failed.length} receipt${failed.length === 1 ? "" : "s"} of instance ${instanceId} did not verify against the chain; dispute with \`receiptLeaf\` set to a failed leaf`,
    );
  }

  override get details(): Readonly<Record<string, unknown>> {
    return { instanceId: this.instanceId, failed: this.failed };
  }
}

/**
 * `gpuc instances receipts <id> [--verify]`: the rental's usage receipts as the marketplace serves them; with
 * `--verify` each one checked without trusting the marketplace — its signature against the escrow's provider,
 * its leaf and Merkle proof against the R5 root of the settlement's payout box, read from the Ergo node.
 */
export async function receipts(env: CommandEnv): Promise<void> {
  const id = argument(env, "id");
  checkRequest(
    instanceIdParams,
    { id },
    {
      baseUrl: env.config.marketplaceUrl,
      method: "GET",
      path: `/api/v1/instances/${encodeURIComponent(id)}/receipts`,
      location: "params",
    },
  );
  const gpuc = session(env);
  const served = await gpuc.market.instanceReceipts(id);
  if (served.receipts.length === 0) {
    env.output.result(
      served,
      `No receipts for instance ${id} yet (one per claimed or closed billing period)`,
    );
    return;
  }
  if (env.values.verify !== true) {
    env.output.result(served, marketplaceTable(served.receipts));
    return;
  }
  const checks = await verifyAll(gpuc.chain.client, gpuc.chain.deployment, id, served.receipts);
  const failed = checks.filter((check) => !check.ok);
  env.output.result(
    { instanceId: id, receipts: checks },
    `${verifiedTable(checks)}\n${checks.length - failed.length} of ${checks.length} receipts verified against the chain`,
  );
  if (failed.length) throw new ReceiptsUnverifiedError(id, failed);
}

/** What the marketplace says it checked (its word: `--verify` checks for yourself). */
function marketplaceTable(receipts: readonly ServedReceipt[]): string {
  const yesNo = (value: boolean | null) => (value === null ? "pending" : value ? "yes" : "NO");
  return table(
    [
      { header: "PERIOD", align: "right" },
      { header: "SECONDS", align: "right" },
      { header: "GPUS" },
      { header: "IMAGE" },
      { header: "TX" },
      { header: "SIGNED" },
      { header: "IN ROOT" },
      { header: "ON CHAIN" },
    ],
    receipts.map((r) => [
      String(r.receipt.period),
      String(r.receipt.seconds),
      r.receipt.gpus.map((gpu) => gpu.model).join(", ") || "—",
      r.receipt.imageDigest.slice(0, 19),
      r.txId.slice(0, 16),
      yesNo(r.checks.signature),
      yesNo(r.checks.root),
      yesNo(r.checks.onChain),
    ]),
  );
}

function verifiedTable(checks: readonly ReceiptCheck[]): string {
  return table(
    [
      { header: "PERIOD", align: "right" },
      { header: "SECONDS", align: "right" },
      { header: "TX" },
      { header: "LEAF" },
      { header: "VERIFIED" },
    ],
    checks.map((c) => [
      String(c.period),
      String(c.seconds),
      c.txId.slice(0, 16),
      c.leaf.slice(0, 16),
      c.ok ? "yes" : `NO: ${c.reason}`,
    ]),
  );
}

/** Each receipt against its settlement transaction and the boxes it spent, as the node has them (one read per tx). */
async function verifyAll(
  node: NodeChainClient,
  deployment: ReceiptEvidence["deployment"],
  instanceId: string,
  receipts: readonly ServedReceipt[],
): Promise<ReceiptCheck[]> {
  const chain = new Map<string, Promise<Pick<ReceiptEvidence, "tx" | "spent">>>();
  const checks: ReceiptCheck[] = [];
  for (const served of receipts) {
    if (!chain.has(served.txId)) chain.set(served.txId, settlement(node, served.txId));
    const { receipt, signature, proof, txId } = served;
    const verdict =
      receipt.instanceId === instanceId
        ? verifyReceipt({
            signed: { receipt, signature },
            proof,
            txId,
            deployment,
            ...(await chain.get(txId)!),
          })
        : {
            ok: false as const,
            leaf: served.leaf,
            reason: `it is a receipt of instance ${receipt.instanceId}`,
          };
    checks.push({
      period: receipt.period,
      seconds: receipt.seconds,
      txId,
      leaf: verdict.leaf,
      ok: verdict.ok,
      ...(verdict.ok ? {} : { reason: verdict.reason }),
    });
  }
  return checks;
}

async function settlement(
  node: NodeChainClient,
  txId: string,
): Promise<Pick<ReceiptEvidence, "tx" | "spent">> {
  const tx = await node.transaction(txId);
  if (!tx) return { tx: undefined, spent: [] };
  const spent = await Promise.all(tx.inputs.map((input) => node.indexedBox(input.boxId)));
  return {
    tx,
    spent: spent.filter((box): box is Box<Amount> & NonNullable<typeof box> => box !== undefined),
  };
}
