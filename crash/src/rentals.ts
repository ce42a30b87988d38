import { setTimeout as sleep } from "node:timers/promises";
import type { Gpuc } from "@gpuc/cli";
import type { SignedTransaction } from "@gpuc/offchain";
import { ENDED_STATES, type Instance, isOneOf, NetworkError, ProblemError } from "@gpuc/sdk";

/** How a rental is meant to end: stopped early by its consumer, run to its last prepaid hour, or provider down. */
export type Ending = "stop" | "exhaust" | "provider_down";

export interface RentalSpec {
  readonly ending: Ending;
  readonly hours: number;
}

/** What one consumer saw of one rental, through the API. */
export interface RentalRecord {
  readonly spec: RentalSpec;
  readonly consumer: string;
  id?: string;
  /** Whether the escrow transaction was accepted by the marketplace or the chain (the consumer paid). */
  paid: boolean;
  state?: string;
  closeReason?: string | null;
  /** The metered seconds the marketplace reports at the end (the executor's count). */
  billedSeconds?: number | null;
  error?: string;
}

/** A failure a user would retry: the service restarting (unreachable, 5xx, rate limit) or the offer offline. */
export function transient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof TypeError && String(error.message).includes("fetch failed")) return true;
  if (!(error instanceof ProblemError)) return false;
  return error.status >= 500 || error.status === 429 || /offline|unreachable|executor/i.test(error.detail);
}

/** Retries `call` while it fails transiently, up to `timeoutMs`. */
export async function retrying<T>(call: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!transient(error) || Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** Polls the instance (through restarts) until `done`. */
export async function waitFor(
  ctx: Gpuc,
  id: string,
  done: (instance: Instance) => boolean,
  timeoutMs: number,
): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = await retrying(() => ctx.market.instance(id));
    if (done(instance)) return instance;
    if (Date.now() > deadline) throw new Error(`instance ${id} is still ${instance.state}`);
    await sleep(400);
  }
}

const ended = (instance: Instance) => isOneOf(instance.state, ENDED_STATES);
const runningOrEnded = (instance: Instance) => instance.state === "Running" || ended(instance);

/** The command of every rental: cheap on two shared cores. */
const SLEEPER = ["sh", "-c", "sleep 600"];

/**
 * Rents one of the provider's offers as a user would with the CLI's code: create, sign in the wallet, submit;
 * when the marketplace dies mid-call, reads the instance (and the chain) before sending the same signed escrow
 * again, so a rental is never paid twice.
 */
export async function rent(ctx: Gpuc, record: RentalRecord, providerId: string): Promise<string> {
  const { instance, unsignedTx } = await createOnFreeOffer(ctx, record.spec, providerId);
  record.id = instance.id;
  const signed = await ctx.wallet.signer.sign(unsignedTx as UnsignedTx, ctx.chain.client);
  await fund(ctx, instance.id, signed);
  record.paid = true;
  return instance.id;
}

type UnsignedTx = Parameters<Gpuc["wallet"]["signer"]["sign"]>[0];

/** Creates the rental on a free offer of the provider, picking another when one is taken or offline meanwhile. */
async function createOnFreeOffer(ctx: Gpuc, spec: RentalSpec, providerId: string) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const offers = await ctx.market.searchGpus({ available: true });
      const mine = offers.items.filter((offer) => offer.providerId === providerId);
      const offer = mine[Math.floor(Math.random() * mine.length)];
      if (offer)
        return await ctx.market.createInstance({
          gpuId: offer.id,
          hours: spec.hours,
          image: "gpuc/busybox:test",
          cmd: SLEEPER,
        });
    } catch (error) {
      const taken = error instanceof ProblemError && error.status === 409;
      if (!taken && !transient(error)) throw error;
    }
    if (Date.now() > deadline) throw new Error("no free offer of the provider for 3 minutes");
    await sleep(500);
  }
}

async function fund(ctx: Gpuc, id: string, signed: SignedTransaction): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.market.fundInstance(id, signed);
      return;
    } catch (error) {
      if (!transient(error) || attempt > 200) throw error;
    }
    await sleep(500);
    // The call may have gone through before the marketplace died: the escrow is then on its way.
    const known = await ctx.chain.client.transaction(signed.id).catch(() => undefined);
    const pending =
      known ?? (await ctx.chain.client.unconfirmedTransaction(signed.id).catch(() => undefined));
    if (pending) return;
    const current = await retrying(() => ctx.market.instance(id));
    if (current.state !== "Created") return;
  }
}

/** One rental from start to end, as its spec says it should end. */
export async function runRental(ctx: Gpuc, record: RentalRecord, providerId: string): Promise<void> {
  try {
    const id = await rent(ctx, record, providerId);
    const running = await waitFor(ctx, id, runningOrEnded, 180_000);
    if (record.spec.ending === "stop" && !ended(running)) {
      await sleep(2000 + Math.random() * 6000);
      await retrying(() => ctx.market.stopInstance(id)).catch((error: unknown) => {
        // Ended meanwhile (its escrow closed by a crash-recovery path): nothing left to stop.
        if (!(error instanceof ProblemError && error.status === 409)) throw error;
      });
    }
    const last = await waitFor(ctx, id, ended, 240_000);
    record.state = last.state;
    record.closeReason = last.closeReason;
    record.billedSeconds = last.billedSeconds;
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
}
