import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import {
  BENCH_IMAGE,
  CanonicalJsonError,
  type GpuChallenge,
  gpuChallengeAnswerMessage,
  gpuChallengeAnswerRequest,
  type Json,
} from "@gpuc/sdk";
import { verifyWalletSignature } from "../auth/signature.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { GpusRepository } from "../gpus/gpus.repository.ts";
import type { ProvidersService } from "../providers/providers.service.ts";
import type { ChallengeCandidate, ChallengeRow, ChallengesRepository } from "./challenges.repository.ts";
import { judge, type VerdictSettings } from "./verdict.ts";

export interface ChallengeSettings extends VerdictSettings {
  readonly deadlineS: number;
  readonly maxSeconds: number;
}

/** Issues GPU verification challenges, hands them to the executor, and judges its signed answers. */
export class ChallengesService {
  constructor(
    private readonly repo: ChallengesRepository,
    private readonly gpus: GpusRepository,
    private readonly providers: ProvidersService,
    private readonly clock: Clock,
    private readonly settings: ChallengeSettings,
    private readonly log: Logger,
  ) {}

  async issue(offer: ChallengeCandidate, reason: "listing" | "random"): Promise<string> {
    const now = this.clock.now();
    const id = randomUUID();
    await this.repo.insert({
      id,
      provider_id: offer.provider_id,
      gpu_id: offer.gpu_id,
      nonce: randomBytes(16).toString("hex"),
      model: offer.model,
      device_ids: offer.device_ids,
      reason,
      issued_at: now,
      deadline: new Date(now.getTime() + this.settings.deadlineS * 1000),
    });
    this.log.info("CHALLENGE_ISSUED", { challengeId: id, gpuId: offer.gpu_id, reason });
    return id;
  }

  /** The provider's challenges waiting for an answer (what its executor polls). */
  async open(principal: Principal, providerId: string): Promise<GpuChallenge[]> {
    await this.providers.owned(principal, providerId);
    return (await this.repo.pendingOf(providerId)).map((row) => this.toChallenge(row));
  }

  /** The provider's latest challenges, newest first (the dashboard and the offer page). */
  async recent(providerId: string, limit = 20): Promise<GpuChallenge[]> {
    return (await this.repo.recentOf(providerId, limit)).map((row) => this.toChallenge(row));
  }

  /**
   * Judges a signed answer. The raw body is verified (the signature covers it as sent); an answer that fails a
   * check is still recorded, `failed` with the reason, because a wrong answer is evidence too.
   */
  async answer(principal: Principal, providerId: string, challengeId: string, raw: Record<string, unknown>) {
    const provider = await this.providers.owned(principal, providerId);
    const row = await this.repo.find(challengeId);
    assert(
      row && row.provider_id === providerId,
      404,
      `Challenge ${challengeId} not found for provider ${providerId}`,
    );
    assert(
      row.state === "pending",
      409,
      `Challenge ${challengeId} is already judged (${row.state}: ${row.detail}); answer the open ones`,
    );
    const body = gpuChallengeAnswerRequest.parse(raw);
    assert(
      body.challengeId === challengeId && body.providerId === providerId,
      400,
      "The answer is signed for another challenge or provider than the path names",
    );
    const signatureValid = verifyWalletSignature(
      provider.owner_address,
      signedBytes(raw),
      Buffer.from(body.signature, "hex"),
    );
    const receivedAt = this.clock.now();
    const verdict = judge(
      { nonce: row.nonce, model: row.model, deviceIds: row.device_ids, deadline: row.deadline },
      { signatureValid, receivedAt, nonce: body.nonce, busy: body.busy, result: body.result },
      this.settings,
    );
    const settled = await this.repo.settle(challengeId, {
      state: verdict.state,
      answeredAt: receivedAt,
      result: body.result ?? null,
      signature: body.signature,
      detail: verdict.detail,
    });
    assert(settled, 409, `Challenge ${challengeId} was judged meanwhile; answer the open ones`);
    if (verdict.state !== "busy")
      await this.gpus.setVerification(
        row.gpu_id,
        { state: verdict.state, ...(body.result ? { measured: body.result } : {}) },
        receivedAt,
      );
    this.log.info("CHALLENGE_JUDGED", {
      challengeId,
      gpuId: row.gpu_id,
      state: verdict.state,
      detail: verdict.detail,
    });
    return this.toChallenge((await this.repo.find(challengeId))!);
  }

  /** Unanswered challenges past their deadline fail, and so do their offers. */
  async expireOverdue(): Promise<number> {
    const now = this.clock.now();
    const expired = await this.repo.expire(now);
    for (const { id, gpu_id } of expired) {
      await this.gpus.setVerification(gpu_id, { state: "failed" }, now);
      this.log.warn("CHALLENGE_EXPIRED", { challengeId: id, gpuId: gpu_id });
    }
    return expired.length;
  }

  candidates(): Promise<ChallengeCandidate[]> {
    return this.repo.candidates();
  }

  private toChallenge(row: ChallengeRow): GpuChallenge {
    return {
      id: row.id,
      providerId: row.provider_id,
      gpuId: row.gpu_id,
      nonce: row.nonce,
      model: row.model,
      deviceIds: row.device_ids,
      reason: row.reason,
      image: BENCH_IMAGE,
      issuedAt: row.issued_at.toISOString(),
      deadline: row.deadline.toISOString(),
      maxSeconds: this.settings.maxSeconds,
      state: row.state,
      answeredAt: row.answered_at?.toISOString() ?? null,
      result: row.result,
      detail: row.detail,
    };
  }
}

/** The bytes the answer's signature covers; a body canonical JSON refuses is a 400, not a crash. */
function signedBytes(body: Record<string, unknown>): Uint8Array {
  try {
    return gpuChallengeAnswerMessage(body as { readonly [member: string]: Json });
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      throw new HttpError(400, `The answer cannot be verified: ${error.message}`);
    throw error;
  }
}
