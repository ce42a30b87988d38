import type { SignedTransaction } from "@gpuc/offchain";
import type { ErgoNodeRosenExtractor, RosenData } from "@rosen-bridge/rosen-extractor";
import type { TokenRegistry } from "../tokens/registry.ts";

type NodeTransaction = Parameters<ErgoNodeRosenExtractor["get"]>[0];

/** A transaction from the node's JSON as Rosen's extractor types it (amounts as bigint). */
export function toRosenNodeTransaction(tx: SignedTransaction): NodeTransaction {
  return {
    id: tx.id,
    inputs: tx.inputs.map((input) => ({ boxId: input.boxId })),
    dataInputs: tx.dataInputs,
    outputs: tx.outputs.map((box) => ({
      boxId: box.boxId,
      value: BigInt(box.value),
      ergoTree: box.ergoTree,
      creationHeight: box.creationHeight,
      assets: box.assets.map((asset) => ({ tokenId: asset.tokenId, amount: BigInt(asset.amount) })),
      additionalRegisters: box.additionalRegisters,
      transactionId: box.transactionId,
      index: box.index,
    })),
  };
}

/**
 * What Rosen's watchers read from a lock transaction (`ErgoNodeRosenExtractor`, Rosen's own code): the event,
 * or undefined when the transaction holds no lock box they would bridge. The extractor is imported here, on first
 * use, not with the adapter: it holds ~100 MB resident, which a marketplace that never bridges should not carry.
 */
export async function readLockEvent(
  registry: TokenRegistry,
  lockAddress: string,
  tx: SignedTransaction,
): Promise<RosenData | undefined> {
  const { ErgoNodeRosenExtractor } = await import("@rosen-bridge/rosen-extractor");
  return new ErgoNodeRosenExtractor(lockAddress, registry.rosen).get(toRosenNodeTransaction(tx));
}
