import { ChainRejectedError, ChainUnreachableError, type SignedTransaction } from "@gpuc/offchain";
import { HttpError } from "@gpuc/platform/http";
import type { ProtocolChainClient } from "./protocol-node.ts";

type SubmitClient = Pick<ProtocolChainClient, "submit" | "transaction" | "unconfirmedTransaction">;

/**
 * Sends a wallet-signed transaction to the node; resolves to its id. Idempotent: the node refuses a transaction
 * it already has (its inputs are spent, by itself), so a refused one that the node knows, in the mempool or in a
 * block, is a retry that already succeeded and resolves to its id. Any other refusal (invalid, double spend, a
 * script that fails at this height) is a 422 with the node's reason; an unreachable node a 503.
 */
export async function submitted(
  client: SubmitClient,
  signedTx: SignedTransaction,
  what: string,
): Promise<string> {
  try {
    return await client.submit(signedTx);
  } catch (error) {
    if (error instanceof ChainUnreachableError)
      throw new HttpError(503, `The Ergo node is unreachable; retry the ${what} transaction later`);
    if (await known(client, signedTx.id)) return signedTx.id;
    const reason = error instanceof ChainRejectedError ? error.reason : (error as Error).message;
    throw new HttpError(422, `The node rejected the ${what} transaction: ${reason}`, {
      txId: signedTx.id,
      reason,
    });
  }
}

async function known(client: SubmitClient, txId: string): Promise<boolean> {
  const [pending, mined] = await Promise.all([
    client.unconfirmedTransaction(txId).catch(() => undefined),
    client.transaction(txId).catch(() => undefined),
  ]);
  return pending !== undefined || mined !== undefined;
}
