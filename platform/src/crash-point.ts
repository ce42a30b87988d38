import { writeSync } from "node:fs";

/** The crash point this process dies at: `GPUC_CRASH_AT=name` or `name@n` (the n-th time it is reached). */
interface CrashTarget {
  readonly name: string;
  readonly hit: number;
}

// Read once, at the first crash point reached: the environment is this process's launch contract, not config.
let target: CrashTarget | null | undefined;
let hits = 0;

function crashTarget(): CrashTarget | null {
  if (target === undefined) target = parseTarget(process.env.GPUC_CRASH_AT?.trim());
  return target;
}

function parseTarget(spec: string | undefined): CrashTarget | null {
  if (!spec) return null;
  const [name = "", nth] = spec.split("@");
  const hit = nth === undefined ? 1 : Number.parseInt(nth, 10);
  return { name, hit: Number.isInteger(hit) && hit > 0 ? hit : 1 };
}

/**
 * A named step of a money path where the crash tests kill this process (SIGKILL, no cleanup, as a power cut
 * would): a no-op unless `GPUC_CRASH_AT` names this point. It prints one `CRASH_POINT` JSON line on stderr first,
 * synchronously, so the supervisor knows where the process died.
 *
 * @example
 * const signed = await signer.sign(tx, chain);
 * crashPoint("executor.claim.signed"); // signed, not sent: a restart must not pay the period twice
 * await chain.submit(signed);
 */
export function crashPoint(name: string): void {
  const wanted = crashTarget();
  if (!wanted || wanted.name !== name) return;
  hits++;
  if (hits < wanted.hit) return;
  writeSync(2, `${JSON.stringify({ event: "CRASH_POINT", point: name, hit: hits, pid: process.pid })}\n`);
  process.kill(process.pid, "SIGKILL");
}
