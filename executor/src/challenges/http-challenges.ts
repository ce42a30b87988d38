import { MarketplaceClient } from "@gpuc/sdk";
import type { ChallengeMarketplace } from "./challenge-runner.ts";

/** The runner's marketplace over @gpuc/sdk's client, bound to this provider and its provider-scoped API key. */
export function httpChallengeMarketplace(options: {
  baseUrl: string;
  providerId: string;
  apiKey: string;
  timeoutMs?: number;
}): ChallengeMarketplace {
  const client = new MarketplaceClient({ baseUrl: options.baseUrl, auth: options.apiKey });
  const call = { timeoutMs: options.timeoutMs ?? 10_000 };
  return {
    openGpuChallenges: () => client.openGpuChallenges(options.providerId, call),
    answerGpuChallenge: (answer) => client.answerGpuChallenge(options.providerId, answer, call),
  };
}

/**
 * Polls for challenges every `intervalMs` (the heartbeat interval: the marketplace issues them per tick); a poll
 * still running when the next is due is not doubled. Returns the stop function.
 */
export function pollChallenges(
  poll: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => void {
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    poll()
      .catch(onError)
      .finally(() => {
        inFlight = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
