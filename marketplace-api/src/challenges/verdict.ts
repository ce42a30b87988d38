import type { BenchResult, ChallengeState } from "@gpuc/sdk";
import { CPU_BASELINE_TFLOPS, expectedTflops } from "../gpus/performance.ts";

/** What an answer is judged against: the challenge as issued. */
export interface IssuedChallenge {
  readonly nonce: string;
  readonly model: string;
  readonly deviceIds: readonly string[];
  readonly deadline: Date;
}

/** An answer as received: whether its signature verified, when it arrived, and what it says. */
export interface ReceivedAnswer {
  readonly signatureValid: boolean;
  readonly receivedAt: Date;
  readonly nonce: string;
  readonly busy?: boolean;
  readonly result?: BenchResult;
}

export interface VerdictSettings {
  /** Measured below (1 − threshold) × expected is unverified. */
  readonly threshold: number;
  /** A CPU run stands for a GPU listing (demo machines without GPUs); else it is unverified. */
  readonly cpuForGpu: boolean;
}

export interface Judgement {
  readonly state: ChallengeState;
  readonly detail: string;
}

/**
 * The verdict on one answer, a pure function of the challenge, the answer and the settings (so a stored challenge
 * can be judged again). Order matters: an answer that proves nothing (bad signature, other nonce, late, other
 * devices) is `failed` before its figures are looked at.
 */
export function judge(
  challenge: IssuedChallenge,
  answer: ReceivedAnswer,
  settings: VerdictSettings,
): Judgement {
  if (!answer.signatureValid) return failed("the signature does not verify with the provider's address");
  if (answer.nonce !== challenge.nonce) return failed("the answer names another nonce than the challenge");
  if (answer.receivedAt > challenge.deadline)
    return failed(`answered at ${answer.receivedAt.toISOString()}, after the deadline`);
  if (answer.busy) return { state: "busy", detail: "a rental held the devices; asked again later" };
  const result = answer.result;
  if (!result) return failed("the answer carries neither a result nor busy");
  if (result.nonce !== challenge.nonce) return failed("the benchmark echoed another nonce");
  const missing = differentDevices(
    challenge.deviceIds,
    result.devices.map((device) => device.uuid),
  );
  if (missing) return failed(missing);
  const expected = expectedTflops(
    challenge.model,
    challenge.deviceIds.length,
    result.kind,
    settings.cpuForGpu,
  );
  const floor = (1 - settings.threshold) * expected;
  const held =
    result.kind === "cpu" && expected === CPU_BASELINE_TFLOPS
      ? "the CPU baseline"
      : `${challenge.deviceIds.length} × ${challenge.model} on the data sheet`;
  const figures = `${result.tflops} TFLOPS measured (${result.kind}), ${expected} expected (${held})`;
  return result.tflops >= floor
    ? { state: "verified", detail: figures }
    : { state: "unverified", detail: `${figures}: below ${floor.toFixed(4)}` };
}

function failed(detail: string): Judgement {
  return { state: "failed", detail };
}

/** Why the devices that ran are not exactly the listed ones, or undefined when they are. */
function differentDevices(listed: readonly string[], ran: readonly string[]): string | undefined {
  const want = new Set(listed);
  const got = new Set(ran);
  const absent = [...want].filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !want.has(id));
  if (absent.length === 0 && extra.length === 0) return undefined;
  return `the benchmark ran on other devices than listed (missing: ${absent.join(", ") || "none"}; not listed: ${extra.join(", ") || "none"})`;
}
