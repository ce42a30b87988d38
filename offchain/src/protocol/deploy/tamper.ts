import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  ErgoBoxes,
  SecretKey,
  SecretKeys,
  Transaction,
  UnsignedTransaction,
  Wallet,
} from "ergo-lib-wasm-nodejs";
import type { ChainClient } from "../../chain/chainClient.ts";
import { parseNodeJson } from "../../chain/json.ts";
import type { SignedTransaction } from "../../chain/types.ts";
import { withoutExtension } from "../../signing/signer.ts";
import { nextBlockContext } from "../../signing/stateContext.ts";

// Test-only tools for adversarial tests: change one thing in an honest transaction, then prove every input that
// can be proven, so that the only reason left for a rejection is the guard the change breaks.

type Output = EIP12UnsignedTransaction["outputs"][number];

/** A deep copy of `tx` with `change` applied to its outputs. */
export function tamper(
  tx: EIP12UnsignedTransaction,
  change: (outputs: Output[]) => void,
): EIP12UnsignedTransaction {
  const copy: EIP12UnsignedTransaction = structuredClone(tx);
  change(copy.outputs);
  return copy;
}

/** A deep copy of `tx` with `change` applied to the whole transaction (inputs, data inputs, outputs). */
export function tamperTx(
  tx: EIP12UnsignedTransaction,
  change: (copy: EIP12UnsignedTransaction) => void,
): EIP12UnsignedTransaction {
  const copy: EIP12UnsignedTransaction = structuredClone(tx);
  change(copy);
  return copy;
}

/** Moves `amount` of a token from one output to another (adding the token there when missing); -1 is the last. */
export function moveToken(
  outputs: Output[],
  from: number,
  to: number,
  tokenId: string,
  amount: bigint,
): void {
  adjustToken(outputs.at(from)!, tokenId, -amount);
  adjustToken(outputs.at(to)!, tokenId, amount);
}

/** Moves `amount` nanoERG from one output to another; -1 is the last. */
export function moveErg(outputs: Output[], from: number, to: number, amount: bigint): void {
  const [source, target] = [outputs.at(from)!, outputs.at(to)!];
  source.value = (BigInt(source.value) - amount).toString();
  target.value = (BigInt(target.value) + amount).toString();
}

function adjustToken(output: Output, tokenId: string, delta: bigint): void {
  const asset = output.assets.find((token) => token.tokenId === tokenId);
  if (asset) asset.amount = (BigInt(asset.amount) + delta).toString();
  else output.assets.push({ tokenId, amount: delta.toString() });
  output.assets = output.assets.filter((token) => BigInt(token.amount) !== 0n);
}

/**
 * Proves every input that `secretsHex` can prove and leaves the others with an empty proof (a script that reduces
 * to false has no proof at all), so the chain's own validation decides; also says which inputs had no proof.
 */
export function proveEachInput(
  tx: EIP12UnsignedTransaction,
  secretsHex: readonly string[],
  context: ReturnType<typeof nextBlockContext>,
): { signed: SignedTransaction; unprovable: string[] } {
  const keys = new SecretKeys();
  for (const secret of secretsHex) keys.add(SecretKey.dlog_from_bytes(Buffer.from(secret, "hex")));
  const wallet = Wallet.from_secrets(keys);
  const unsigned = UnsignedTransaction.from_json(JSON.stringify(tx));
  const inputs = ErgoBoxes.from_boxes_json(tx.inputs.map(withoutExtension));
  const dataInputs = ErgoBoxes.from_boxes_json(tx.dataInputs.map(withoutExtension));
  const unprovable: string[] = [];
  const proofs = tx.inputs.map((input, index) => {
    try {
      return wallet.sign_tx_input(index, context, unsigned, inputs, dataInputs).spending_proof().proof();
    } catch {
      unprovable.push(input.boxId);
      return new Uint8Array();
    }
  });
  const signed = parseNodeJson<SignedTransaction>(Transaction.from_unsigned_tx(unsigned, proofs).to_json());
  return { signed, unprovable };
}

/** `proveEachInput` against the chain's current headers. */
export async function signRegardless(
  tx: EIP12UnsignedTransaction,
  secretsHex: readonly string[],
  chain: Pick<ChainClient, "lastHeaders">,
): Promise<SignedTransaction> {
  return proveEachInput(tx, secretsHex, nextBlockContext(await chain.lastHeaders(10))).signed;
}
