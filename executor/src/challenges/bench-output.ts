import { type BenchResult, benchResultSchema } from "@gpuc/sdk";
import { ExecutorError } from "../errors.ts";

/** The benchmark printed no result line the executor can sign. */
export class BenchOutputError extends ExecutorError {
  constructor(reason: string, output: string) {
    super(`The benchmark gave no usable result (${reason}); its output ended: ${output.slice(-300)}`);
  }
}

/**
 * The result line of a benchmark run (bench.c or bench.cu, the same harness): the last line of stdout that parses
 * as the documented JSON, and it must echo this challenge's nonce (a cached or replayed run would not).
 */
export function parseBenchOutput(stdout: string, nonce: string): BenchResult {
  const lines = stdout
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  if (!last) throw new BenchOutputError("empty output", stdout);
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    throw new BenchOutputError("the last line is not JSON", stdout);
  }
  const parsed = benchResultSchema.safeParse(json);
  if (!parsed.success)
    throw new BenchOutputError(
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      stdout,
    );
  if (parsed.data.nonce !== nonce)
    throw new BenchOutputError(`it echoed nonce ${parsed.data.nonce}, not ${nonce}`, stdout);
  return parsed.data;
}
