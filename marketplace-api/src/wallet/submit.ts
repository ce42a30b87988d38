import { ChainRejectedError, ChainUnreachableError, type SignedTransaction } from "@gpuc/offchain";
import { HttpError } from "@gpuc/platform/http";
import type { ProtocolChainClient } from "./protocol-node.ts";

/**
 * Sends a wallet-signed transaction to the node; resolves to its id. A refusal (invalid, double spend, a script
 * that fails at this height) is a 422 with the node's reason; an unreachable node a 503.
 */
export async function submitted(
  client: Pick<ProtocolChainClient, "submit">,
  signedTx: SignedTransaction,
  what: string,
): Promise<string> {
  try {
    return await client.submit(signedTx);
  } catch (error) {
    if (error instanceof ChainUnreachableError)
      throw new HttpError(503, `The Ergo node is unreachable; retry the ${what} transaction later`);
    const reason = error instanceof ChainRejectedError ? error.reason : (error as Error).message;
    throw new HttpError(422, `The node rejected the ${what} transaction: ${reason}`, {
      txId: signedTx.id,
      reason,
    });
  }
}
