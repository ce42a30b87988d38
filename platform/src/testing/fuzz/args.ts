import { parseArgs } from "node:util";

export interface FuzzArgs {
  readonly runs: number;
  readonly seed?: number;
  /** Only the routes whose path contains this. */
  readonly only?: string;
}

/**
 * The fuzz runners' command line: `--runs N` (requests per route, default 10,000), `--seed N`, `--only <path part>`.
 *
 * @example
 * parseFuzzArgs(["--runs", "200"]); // { runs: 200 }
 */
export function parseFuzzArgs(argv: readonly string[]): FuzzArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: "string" }, seed: { type: "string" }, only: { type: "string" } },
  });
  const runs = Number(values.runs ?? 10_000);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, not ${values.runs}`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be an integer, not ${values.seed}`);
  return { runs, ...(seed === undefined ? {} : { seed }), ...(values.only ? { only: values.only } : {}) };
}
