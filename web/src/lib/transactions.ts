import { formatErg } from "./format.ts";

/** The miner-fee contract's ErgoTree (the same on every network): the output a transaction pays its fee to. */
const FEE_TREE =
  "1005040004000e36100204a00b08cd0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ea02d192a39a8cc7a701730073011001020402d19683030193a38cc7b2a57300000193c2b2a57301007473027303830108cdeeac93b1a57304";

interface OutputLike {
  readonly ergoTree?: unknown;
  readonly value?: unknown;
}

/** The network fee an unsigned EIP-12 transaction pays, in ERG for people ("0.0011 ERG"). */
export function networkFee(tx: Readonly<Record<string, unknown>>): string | undefined {
  const outputs = Array.isArray(tx.outputs) ? (tx.outputs as OutputLike[]) : [];
  const fee = outputs.find((output) => output.ergoTree === FEE_TREE);
  return fee && (typeof fee.value === "string" || typeof fee.value === "number")
    ? formatErg(String(fee.value))
    : undefined;
}
