import { type EIP12UnsignedTransaction, Network, utxoDiff, utxoSum } from "@fleet-sdk/common";
import { hex } from "@fleet-sdk/crypto";
import { BLOCKCHAIN_PARAMETERS, mockBlockchainStateContext } from "@fleet-sdk/mock-chain";
import { SigmaByteReader } from "@fleet-sdk/serializer";
import type { SignedTransaction } from "@gpuc/offchain";
import { Transaction } from "ergo-lib-wasm-nodejs";
import { ProverBuilder$ } from "sigmastate-js/main";

// The node's cost of a transaction, as `ErgoTransaction.validateStateful` adds it up (block-cost units):
// interpreterInitCost + inputs × inputCost + data inputs × dataInputCost + outputs × outputCost + token access
// + each input's JIT reduction cost + each input's crypto verification cost.
// sigmastate-js `SigmaProver.reduce` computes everything but the crypto part, with the same code the node runs,
// and writes it into the serialized ReducedTransaction; the crypto part is the interpreter's own estimate
// (`Interpreter.estimateCryptoVerifyCost`), which is also what the node charges.

/** JIT costs of verifying one proof node (sigmastate-interpreter `SigSerializer`, `FiatShamirTree`, `Interpreter`). */
const JIT = {
  proveDlog: 10 + 3400 + 570, // ParseChallenge_ProveDlog + ComputeCommitments_Schnorr + ToBytes_Schnorr
  proveDHTuple: 20 + 6450 + 680, // ParseChallenge_ProveDHT + ComputeCommitments_DHT + ToBytes_DHT
  conjecture: 15, // ToBytes_ProofTreeConjecture
} as const;

/** Mainnet parameters as voted today (inputCost 2407, outputCost 197, ...), the ones the mock chain uses too. */
export const MAINNET_PARAMETERS = BLOCKCHAIN_PARAMETERS;
/** The mempool's limit for one transaction (node setting `mempool.maxTransactionCost` default). */
export const TX_COST_LIMIT = 1_000_000;
/** GPUC's own budget for a single action: a tenth of the node's limit. */
export const ACTION_COST_BUDGET = 100_000;
/** The node's limit on a transaction's size. */
export const TX_SIZE_LIMIT = 96 * 1024;

export interface TransactionCost {
  /** Total cost in block-cost units (what the node compares to its limit). */
  readonly cost: number;
  /** Cost before any script runs: init, per input/data input/output, token access. */
  readonly initialCost: number;
  /** Per input: JIT reduction cost and crypto verification cost, block-cost units; the proposition it reduced to. */
  readonly inputs: readonly {
    readonly reduction: number;
    readonly crypto: number;
    readonly proposition: string;
  }[];
}

/**
 * Reduces an unsigned transaction with sigmastate-js at the height it will be validated at (`height` = the chain
 * height + 1) and returns the node's cost of it. Throws when a script fails (reduces to false or errors).
 */
export function transactionCost(tx: EIP12UnsignedTransaction, height: number): TransactionCost {
  // The mock context's pre-header (HEIGHT in scripts) is at `fromHeight + 1`.
  const prover = ProverBuilder$.create(MAINNET_PARAMETERS, Network.Testnet).build();
  const context = mockBlockchainStateContext({ headers: { quantity: 10, fromHeight: height - 1 } });
  const reduced = prover.reduce(context, tx, tx.inputs, tx.dataInputs, burned(tx), 0);
  const { inputs, total } = readReduced(hex.decode(reduced.toHex()), tx.inputs.length);
  const initialCost = initial(tx);
  let previous = initialCost;
  const costs = inputs.map(({ proposition, cumulative }) => {
    const reduction = cumulative - previous;
    previous = cumulative;
    return {
      reduction,
      crypto: Math.floor(cryptoCost(proposition) / 10),
      proposition: describe(proposition),
    };
  });
  return { cost: total + costs.reduce((sum, input) => sum + input.crypto, 0), initialCost, inputs: costs };
}

/** Serialized size of a signed transaction in bytes: what the node's 96 KB limit counts. */
export function transactionSize(tx: SignedTransaction): number {
  return Transaction.from_json(JSON.stringify(tx)).sigma_serialize_bytes().length;
}

type SigmaBoolean =
  | { kind: "true" | "false" }
  | { kind: "dlog" | "dht" }
  | { kind: "and" | "or"; children: SigmaBoolean[] }
  | { kind: "threshold"; k: number; children: SigmaBoolean[] };

function readReduced(bytes: Uint8Array, inputCount: number) {
  const reader = new SigmaByteReader(bytes);
  const messageLength = reader.readUInt();
  reader.readBytes(messageLength);
  const inputs: { proposition: SigmaBoolean; cumulative: number }[] = [];
  for (let i = 0; i < inputCount; i++) {
    const proposition = readSigmaBoolean(reader);
    inputs.push({ proposition, cumulative: Number(reader.readBigUInt()) });
  }
  return { inputs, total: reader.readUInt() };
}

function readSigmaBoolean(reader: SigmaByteReader): SigmaBoolean {
  const code = reader.readByte();
  const children = (count: number) => Array.from({ length: count }, () => readSigmaBoolean(reader));
  switch (code) {
    case 0xd2:
      return { kind: "false" };
    case 0xd3:
      return { kind: "true" };
    case 0xcd:
      reader.readBytes(33);
      return { kind: "dlog" };
    case 0xce:
      reader.readBytes(33 * 4);
      return { kind: "dht" };
    case 0x96:
      return { kind: "and", children: children(reader.readUInt()) };
    case 0x97:
      return { kind: "or", children: children(reader.readUInt()) };
    case 0x98: {
      const k = reader.readUInt();
      return { kind: "threshold", k, children: children(reader.readUInt()) };
    }
    default:
      throw new Error(`Unknown SigmaBoolean code ${code} in the reduced transaction`);
  }
}

function cryptoCost(sb: SigmaBoolean): number {
  switch (sb.kind) {
    case "true":
    case "false":
      return 0;
    case "dlog":
      return JIT.proveDlog;
    case "dht":
      return JIT.proveDHTuple;
    case "and":
    case "or":
      return JIT.conjecture + sb.children.reduce((sum, child) => sum + cryptoCost(child), 0);
    case "threshold": {
      // ParsePolynomial + EvaluatePolynomial (PerItemCost 10+1/item and 3+1/item) + the node + children.
      const coefficients = sb.children.length - sb.k;
      const polynomial = 10 + coefficients + (3 + coefficients);
      return JIT.conjecture + polynomial + sb.children.reduce((sum, child) => sum + cryptoCost(child), 0);
    }
  }
}

function describe(sb: SigmaBoolean): string {
  if (sb.kind === "and" || sb.kind === "or") return `${sb.kind}(${sb.children.map(describe).join(",")})`;
  if (sb.kind === "threshold") return `atLeast(${sb.k},${sb.children.map(describe).join(",")})`;
  return sb.kind;
}

function initial(tx: EIP12UnsignedTransaction): number {
  const p = MAINNET_PARAMETERS;
  const assets = (boxes: readonly { assets: readonly { tokenId: string }[] }[]) => ({
    entries: boxes.reduce((sum, box) => sum + box.assets.length, 0),
    distinct: new Set(boxes.flatMap((box) => box.assets.map((asset) => asset.tokenId))).size,
  });
  const ins = assets(tx.inputs);
  const outs = assets(tx.outputs);
  return (
    10_000 +
    tx.inputs.length * p.inputCost +
    tx.dataInputs.length * p.dataInputCost +
    tx.outputs.length * p.outputCost +
    (ins.entries + outs.entries) * p.tokenAccessCost +
    (ins.distinct + outs.distinct) * p.tokenAccessCost
  );
}

function burned(tx: EIP12UnsignedTransaction) {
  const diff = utxoDiff(utxoSum(tx.inputs), utxoSum(tx.outputs));
  return diff.tokens.filter((token) => token.tokenId !== tx.inputs[0]?.boxId);
}
