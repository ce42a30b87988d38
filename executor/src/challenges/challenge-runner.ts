import type { Logger } from "@gpuc/platform";
import {
  BENCH_IMAGE,
  type BenchResult,
  type GpuChallenge,
  type GpuChallengeAnswer,
  gpuChallengeAnswerMessage,
  type SignedGpuChallengeAnswer,
} from "@gpuc/sdk";
import type Docker from "dockerode";
import { FrameParser } from "../docker/demux.ts";
import type { ProviderSigner } from "../keys/provider-signer.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { type BenchPlan, benchContainerOptions } from "./bench-container.ts";
import { parseBenchOutput } from "./bench-output.ts";

/** The marketplace as the runner needs it (the sdk client, bound to this provider). */
export interface ChallengeMarketplace {
  openGpuChallenges(): Promise<readonly GpuChallenge[]>;
  answerGpuChallenge(answer: SignedGpuChallengeAnswer): Promise<GpuChallenge>;
}

export interface ChallengeRunnerOptions {
  readonly providerId: string;
  /** True on an NVIDIA machine (the probe is nvidia-smi): the CUDA image runs on the listed GPUs. */
  readonly gpus: boolean;
  /** The CUDA benchmark image built from bench.cu (`GPUC_BENCH_CUDA_IMAGE`); without it GPU challenges wait. */
  readonly cudaImage?: string;
}

export interface ChallengeRunnerDeps {
  readonly docker: Docker;
  readonly ledger: Ledger;
  readonly signer: ProviderSigner;
  readonly marketplace: ChallengeMarketplace;
  readonly log: Logger;
  readonly options: ChallengeRunnerOptions;
  readonly now?: () => Date;
}

export type ChallengeOutcome = "answered" | "busy" | "skipped" | "error";

/**
 * Answers the marketplace's GPU verification challenges: runs the published benchmark on exactly the listed devices
 * within the deadline, and posts the result signed by the provider key. While a rental uses the devices it answers
 * busy instead (a benchmark would steal the consumer's time and measure a shared device).
 */
export class ChallengeRunner {
  readonly #d: ChallengeRunnerDeps;
  readonly #running = new Set<string>();

  constructor(deps: ChallengeRunnerDeps) {
    this.#d = deps;
  }

  /** One poll: every open challenge, one at a time (two benchmarks at once would measure each other). */
  async poll(): Promise<Record<string, ChallengeOutcome>> {
    const outcomes: Record<string, ChallengeOutcome> = {};
    for (const challenge of await this.#d.marketplace.openGpuChallenges()) {
      if (this.#running.has(challenge.id)) continue;
      this.#running.add(challenge.id);
      try {
        outcomes[challenge.id] = await this.answer(challenge);
      } catch (error) {
        outcomes[challenge.id] = "error";
        this.#d.log.warn("CHALLENGE_FAILED", { challengeId: challenge.id, error });
      } finally {
        this.#running.delete(challenge.id);
      }
    }
    return outcomes;
  }

  async answer(challenge: GpuChallenge): Promise<ChallengeOutcome> {
    const { log } = this.#d;
    if (await this.#busy(challenge)) {
      await this.#post(challenge, { busy: true });
      log.info("CHALLENGE_BUSY", { challengeId: challenge.id });
      return "busy";
    }
    const image = this.#image();
    if (!image) {
      log.warn("CHALLENGE_SKIPPED", {
        challengeId: challenge.id,
        detail:
          "a GPU challenge needs the CUDA benchmark image: build executor/bench-image/bench.cu and set GPUC_BENCH_CUDA_IMAGE",
      });
      return "skipped";
    }
    const result = await this.run({ challenge, image, gpus: this.#d.options.gpus });
    await this.#post(challenge, { result, imageDigest: await this.#layerDigest(image) });
    log.info("CHALLENGE_ANSWERED", { challengeId: challenge.id, tflops: result.tflops, kind: result.kind });
    return "answered";
  }

  /** Runs the benchmark container to its end (killed at the deadline) and parses its result line. */
  async run(plan: BenchPlan): Promise<BenchResult> {
    const { docker } = this.#d;
    const container = await docker.createContainer(benchContainerOptions(plan));
    try {
      await container.start();
      const left = new Date(plan.challenge.deadline).getTime() - this.#now().getTime();
      const limitMs = Math.max(1000, Math.min(left - 5000, (plan.challenge.maxSeconds + 30) * 1000));
      const timer = setTimeout(() => container.kill().catch(() => undefined), limitMs);
      try {
        await container.wait();
      } finally {
        clearTimeout(timer);
      }
      const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      return parseBenchOutput(stdoutOf(logs), plan.challenge.nonce);
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  #image(): string | undefined {
    return this.#d.options.gpus ? this.#d.options.cudaImage : BENCH_IMAGE;
  }

  /** A live rental holds one of the listed devices, or (CPU-only, or pins ignored) holds the machine. */
  async #busy(challenge: GpuChallenge): Promise<boolean> {
    const listed = new Set(challenge.deviceIds);
    return (await this.#d.ledger.active()).some(
      ({ rental }) => rental.gpuIds.length === 0 || rental.gpuIds.some((id) => listed.has(id)),
    );
  }

  async #layerDigest(image: string): Promise<string | undefined> {
    const info = await this.#d.docker.getImage(image).inspect();
    const layers = info.RootFS?.Layers ?? [];
    return layers.length === 1 ? layers[0] : undefined;
  }

  async #post(challenge: GpuChallenge, fields: Pick<GpuChallengeAnswer, "busy" | "result" | "imageDigest">) {
    const answer: GpuChallengeAnswer = {
      challengeId: challenge.id,
      providerId: this.#d.options.providerId,
      nonce: challenge.nonce,
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    };
    const signature = this.#d.signer.sign(gpuChallengeAnswerMessage(answer));
    return this.#d.marketplace.answerGpuChallenge({ ...answer, signature });
  }

  #now(): Date {
    return this.#d.now?.() ?? new Date();
  }
}

/** The stdout payloads of a finished container's multiplexed log. */
function stdoutOf(logs: Buffer): string {
  const parts: Buffer[] = [];
  new FrameParser().push(logs, (kind, data) => {
    if (kind === "stdout") parts.push(Buffer.from(data));
  });
  return Buffer.concat(parts).toString("utf8");
}
