import type { Logger } from "@gpuc/platform";
import { HttpError } from "@gpuc/platform/http";
import { CanonicalJsonError, heartbeatMessage, type Json, LIVE_STATES } from "@gpuc/sdk";
import { verifyWalletSignature } from "../auth/signature.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { DisputesService } from "../instances/disputes.service.ts";
import type { EscrowFollower } from "../instances/escrow-follower.ts";
import type { InstancesRepository } from "../instances/instances.repository.ts";
import type { ProvidersService } from "../providers/providers.service.ts";
import type { HeartbeatsRepository } from "./heartbeats.repository.ts";

export interface HeartbeatSettings {
  readonly intervalS: number;
  readonly offlineAfter: number;
  readonly providerDownAfter: number;
  readonly reliabilityWindowS: number;
  /** Refuse heartbeats whose signed body does not name the provider (`providerId`). */
  readonly requireProviderId: boolean;
}

/** How far behind the marketplace's clock a heartbeat's timestamp may be (delivery delays, retries). */
const MAX_LAG_MS = 5 * 60_000;
/**
 * How far ahead it may be: little, because each heartbeat must be newer than the last, so one far in the future
 * would make the executor's real ones refused until its clock catches up.
 */
const MAX_LEAD_MS = 60_000;
/** Created instances whose escrow has not confirmed by then are failed, freeing their GPU. */
const FUNDING_TIMEOUT_MS = 30 * 60_000;

/**
 * The bytes the heartbeat's signature must cover, derived by the same function the executor signs with (sdk's
 * `heartbeatMessage`); a body canonical JSON refuses (nested too deep to sign) is a 400, not a crash.
 */
function signedBytes(body: Record<string, unknown>): Uint8Array {
  try {
    return heartbeatMessage(body as { readonly [member: string]: Json });
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      throw new HttpError(400, `The heartbeat cannot be verified: ${error.message}`);
    throw error;
  }
}

/** Signed executor heartbeats, provider liveness and reliability, and closing rentals of silent providers. */
export class HeartbeatsService {
  /** Providers already warned about in this process for heartbeats without a signed providerId. */
  private readonly warnedUnbound = new Set<string>();
  /** When this process began to listen for heartbeats: silence before then was its own downtime. */
  private readonly listeningSince: Date;

  constructor(
    private readonly repo: HeartbeatsRepository,
    private readonly providers: ProvidersService,
    private readonly instancesRepo: InstancesRepository,
    private readonly disputes: DisputesService,
    private readonly follower: EscrowFollower,
    private readonly clock: Clock,
    private readonly settings: HeartbeatSettings,
    private readonly log: Logger,
  ) {
    this.listeningSince = clock.now();
  }

  /**
   * Records a heartbeat after checking that it is signed by the provider's wallet over the canonical JSON of
   * the body without `signature`, names this provider (when it names one), is recent (60 s ahead at most), and
   * is newer than the last one (no replays). Its `endpoint`, when
   * present, becomes the executor URL shown on the provider's instances (a heartbeat without one keeps it).
   */
  async record(principal: Principal, providerId: string, body: Record<string, unknown>) {
    const provider = await this.providers.owned(principal, providerId);
    const now = this.clock.now();
    const sentAt = new Date(String(body.timestamp));
    this.checkClock(sentAt, now);
    this.checkBound(providerId, body.providerId);
    const message = signedBytes(body);
    if (!verifyWalletSignature(provider.owner_address, message, Buffer.from(String(body.signature), "hex"))) {
      throw new HttpError(
        401,
        "The heartbeat signature does not verify with the provider's address; sign the canonical JSON of the body without 'signature'",
      );
    }
    const last = await this.repo.lastSentAt(providerId);
    if (last && sentAt <= last)
      throw new HttpError(409, "This heartbeat is not newer than the last one received; send a fresh one");
    const endpoint = typeof body.endpoint === "string" ? body.endpoint : undefined;
    await this.repo.insert(providerId, sentAt, now, body.gpus, body.instances, endpoint);
    const reliability = await this.refreshReliability(providerId, now);
    return {
      providerId,
      online: true,
      reliability,
      receivedAt: now.toISOString(),
      nextDueBy: new Date(now.getTime() + this.settings.intervalS * 1000).toISOString(),
    };
  }

  /**
   * One pass of the monitor (run every interval): silent providers go offline; rentals of providers silent
   * for `providerDownAfter` intervals close with provider_down and are refunded; reliability is refreshed.
   */
  async tick(): Promise<{ offline: string[]; closed: string[] }> {
    const now = this.clock.now();
    const interval = this.settings.intervalS * 1000;
    const offline = await this.repo.markSilentOffline(
      new Date(now.getTime() - this.settings.offlineAfter * interval),
    );
    for (const id of offline) this.log.warn("PROVIDER_OFFLINE", { providerId: id });
    // A provider is down only when silent for `providerDownAfter` intervals this marketplace was listening: after
    // its own outage every heartbeat is old, and closing every rental then refunded hours the providers had served.
    const downCutoff = new Date(now.getTime() - this.settings.providerDownAfter * interval);
    const silent =
      downCutoff < this.listeningSince
        ? []
        : await this.instancesRepo.liveWithSilentProvider(LIVE_STATES, downCutoff);
    const closed: string[] = [];
    for (const row of silent) {
      try {
        await this.disputes.closeProviderDown(row.id);
        closed.push(row.id);
      } catch (error) {
        this.log.error("PROVIDER_DOWN_CLOSE_FAILED", { instanceId: row.id, error });
      }
    }
    await this.follower.expireUnfunded(FUNDING_TIMEOUT_MS);
    for (const provider of await this.providers.allIds()) await this.refreshReliability(provider, now);
    await this.repo.prune(new Date(now.getTime() - this.settings.reliabilityWindowS * 1000));
    return { offline, closed };
  }

  private checkClock(sentAt: Date, now: Date): void {
    const ahead = sentAt.getTime() - now.getTime();
    if (ahead > MAX_LEAD_MS)
      throw new HttpError(
        400,
        `Heartbeat timestamp ${sentAt.toISOString()} is ${Math.round(ahead / 1000)} s ahead of the marketplace's clock (${now.toISOString()}; at most 60 s); sync the executor's clock (NTP)`,
      );
    if (-ahead > MAX_LAG_MS)
      throw new HttpError(
        400,
        `Heartbeat timestamp ${sentAt.toISOString()} is more than 5 minutes behind the marketplace's clock (${now.toISOString()}); sync the executor's clock (NTP) and send a fresh one`,
      );
  }

  /** A signed `providerId` must be the path's; without one the heartbeat could be replayed to a sibling provider. */
  private checkBound(providerId: string, signedFor: unknown): void {
    if (signedFor !== undefined && signedFor !== providerId)
      throw new HttpError(
        400,
        `This heartbeat is signed for provider ${String(signedFor)}, not ${providerId}`,
      );
    if (signedFor !== undefined) return;
    if (this.settings.requireProviderId)
      throw new HttpError(
        400,
        "Heartbeats must name their provider: add 'providerId' to the body (and so to the signed JSON)",
      );
    if (!this.warnedUnbound.has(providerId)) {
      this.warnedUnbound.add(providerId);
      this.log.warn("HEARTBEAT_UNBOUND", {
        providerId,
        detail:
          "the executor does not sign providerId; upgrade it before HEARTBEAT_REQUIRE_PROVIDER_ID is set",
      });
    }
  }

  private async refreshReliability(providerId: string, now: Date): Promise<number> {
    const { intervalS, reliabilityWindowS } = this.settings;
    const reliability = await this.repo.reliability(providerId, now, intervalS, reliabilityWindowS);
    await this.repo.setReliability(providerId, reliability);
    await this.providers.refreshListed(providerId);
    return reliability;
  }
}
