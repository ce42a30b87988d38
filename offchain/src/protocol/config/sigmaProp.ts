import { ErgoAddress } from "@fleet-sdk/core";
import { UnsupportedPropositionError } from "../errors/unsupportedProposition.ts";

const P2PK_TREE = /^0008cd(0[23][0-9a-f]{64})$/;

/** An address (base58) or an ErgoTree (hex) → the ErgoTree hex. */
export function toErgoTree(addressOrTree: string): string {
  if (/^[0-9a-fA-F]+$/.test(addressOrTree) && addressOrTree.length % 2 === 0)
    return addressOrTree.toLowerCase();
  return ErgoAddress.decode(addressOrTree).ergoTree;
}

/**
 * The register value (serialized `SigmaProp` constant, hex) for a P2PK address or ErgoTree.
 *
 * @example
 * sigmaPropRegister(alice.address) // "08cd02…"
 */
export function sigmaPropRegister(addressOrTree: string, role = "key"): string {
  const tree = toErgoTree(addressOrTree);
  const match = P2PK_TREE.exec(tree);
  if (!match) throw new UnsupportedPropositionError(tree, role);
  return `08cd${match[1]}`;
}

/**
 * A `SigmaProp` register value → the ErgoTree that proves it (its `propBytes`): a SigmaProp constant serialized
 * as a register is `08…`, and the ErgoTree of that proposition is the same bytes behind a v0 header `00`.
 */
export function sigmaPropTree(registerHex: string): string | undefined {
  return registerHex.startsWith("08") ? `00${registerHex}` : undefined;
}
