import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The record of the last clean run (0 survivors) of each contract, committed as
// ergoscript/contracts/mutation.verified.json: CI reruns the harness only for a contract whose fingerprint — its
// source, its equivalents, the specs that exercise it and the harness's own mutation rules — no longer matches.

export interface Verified {
  readonly fingerprint: string;
  readonly mutants: number;
  readonly killed: number;
  readonly equivalent: number;
  readonly seconds: number;
  readonly at: string;
}

type Stamp = Record<string, Verified>;

/** sha256 over every file that decides a contract's mutation result, in a fixed order. */
export function fingerprint(root: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    const path = join(root, file);
    hash.update(`${file}\0${existsSync(path) ? readFileSync(path, "utf8") : "(absent)"}\0`);
  }
  return hash.digest("hex");
}

export function readStamp(path: string): Stamp {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Stamp) : {};
}

/** Records `verified` for `contract`, keeping the other contracts' entries. */
export function writeStamp(path: string, contract: string, verified: Verified): void {
  const stamp = { ...readStamp(path), [contract]: verified };
  const sorted = Object.fromEntries(Object.entries(stamp).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}
