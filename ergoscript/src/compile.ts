import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Network } from "@fleet-sdk/common";
import type * as FleetCompiler from "@fleet-sdk/compiler";
import { blake2b256, hex } from "@fleet-sdk/crypto";
import type { SConstant } from "@fleet-sdk/serializer";

/** A typed named constant (`SColl(SByte, hex)`, `SInt(…)`, `SLong(…)`) substituted into an ErgoScript source. */
export type ConstantValue = SConstant;

/** The network an address is encoded for; the devnet uses the testnet prefix. */
export type NetworkName = "mainnet" | "testnet" | "devnet";

/** A compiled contract: what a box must carry as its ergoTree, its address and the hash other scripts pin. */
export interface CompiledContract {
  /** ErgoTree bytes, hex. */
  readonly ergoTree: string;
  /** P2S address of the tree for the network it was compiled for. */
  readonly address: string;
  /** blake2b256 of the ErgoTree bytes (= `blake2b256(box.propositionBytes)` in ErgoScript), hex. */
  readonly hash: string;
}

let compiler: typeof FleetCompiler | undefined;

/**
 * The compiler (sigmastate-js: ~240 MB resident once loaded) is loaded on the first compilation, not on import:
 * the executor and the marketplace import this package for its constants and types and read the deployed trees
 * from the deployment file, so they never pay for it (issue 17, "light parts").
 */
function fleetCompiler(): typeof FleetCompiler {
  compiler ??= createRequire(import.meta.url)("@fleet-sdk/compiler") as typeof FleetCompiler;
  return compiler;
}

/**
 * Compiles an ErgoScript (v5) source with typed named constants.
 *
 * @example
 * compileContract(readContract("bank"), { configNftId: SColl(SByte, ids.configNftId) }, "testnet")
 */
export function compileContract(
  source: string,
  constants: Record<string, ConstantValue>,
  network: NetworkName = "mainnet",
): CompiledContract {
  // As hex: the compiler is loaded through `require`, whose copy of @fleet-sdk/serializer is not this module's,
  // so it would not recognise these SConstant objects as its own.
  const map = Object.fromEntries(Object.entries(constants).map(([name, value]) => [name, value.toHex()]));
  const tree = fleetCompiler().compile(source, { map, version: 1 });
  const bytes = tree.bytes;
  return {
    ergoTree: tree.toHex(),
    address: tree.toAddress(toFleetNetwork(network)).encode(),
    hash: hex.encode(blake2b256(bytes)),
  };
}

/**
 * Compiles a script as it is, without named constants (a vendored third-party script such as Rosen's lock, compiled
 * exactly as its own release does); the compiler is loaded on first use here too.
 */
export function compileSource(
  source: string,
  options: NonNullable<Parameters<typeof FleetCompiler.compile>[1]>,
  network: NetworkName,
): { readonly ergoTree: string; readonly address: string } {
  const tree = fleetCompiler().compile(source, options);
  return { ergoTree: tree.toHex(), address: tree.toAddress(toFleetNetwork(network)).encode() };
}

/**
 * Reads `ergoscript/contracts/<name>.es`, the source of one contract, or `$GPUC_CONTRACTS_DIR/<name>.es` when that
 * variable is set: the mutation harness (`npm run mutate:contracts`) deploys its mutants to the test suite this way.
 * Read at each call, not at import, so one test worker can compile the original and a mutant in turn.
 */
export function readContract(name: string): string {
  const dir = process.env.GPUC_CONTRACTS_DIR;
  if (dir) return readFileSync(join(dir, `${name}.es`), "utf8");
  return readFileSync(new URL(`../contracts/${name}.es`, import.meta.url), "utf8");
}

/** Fleet's address network for a GPUC network name. */
export function toFleetNetwork(network: NetworkName): Network {
  return network === "mainnet" ? Network.Mainnet : Network.Testnet;
}
