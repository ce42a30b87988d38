import type { Logger } from "@gpuc/platform";
import { HttpError } from "@gpuc/platform/http";
import { ExecutorClient, type PrecheckRequest, ProblemError } from "@gpuc/sdk";

/** The offer's executor would not run the rental; nothing was built or reserved. */
export class RentalRefusedError extends HttpError {
  constructor(readonly reason: string) {
    super(422, `The provider's executor refuses this rental: ${reason}`, { reason });
  }
}

/** The offer's executor did not answer its pre-check: no escrow is built for a rental nobody confirmed. */
export class ExecutorUnreachableError extends HttpError {
  constructor(
    readonly executorUrl: string,
    cause: string,
  ) {
    super(
      503,
      `The provider's executor did not answer the rental pre-check: ${cause}; retry shortly or pick another offer`,
      { executorUrl },
    );
  }
}

/** Asks an offer's executor whether it would run a rental, before the consumer is handed an escrow to sign. */
export interface ExecutorPrecheck {
  check(executorUrl: string, token: string, rentalId: string, request: PrecheckRequest): Promise<void>;
}

/** Over HTTP with @gpuc/sdk's `ExecutorClient` (5 s, no retries: the consumer is waiting). */
export class HttpExecutorPrecheck implements ExecutorPrecheck {
  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = 5_000,
  ) {}

  async check(executorUrl: string, token: string, rentalId: string, request: PrecheckRequest): Promise<void> {
    const executor = new ExecutorClient({
      baseUrl: executorUrl,
      auth: token,
      timeoutMs: this.timeoutMs,
      retry: false,
    });
    try {
      await executor.precheck(rentalId, request);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 422) {
        const reason = typeof error.extensions.reason === "string" ? error.extensions.reason : error.detail;
        this.log.info("RENTAL_PRECHECK_REFUSED", { rentalId, executorUrl, reason });
        throw new RentalRefusedError(reason);
      }
      this.log.warn("RENTAL_PRECHECK_FAILED", { rentalId, executorUrl, error });
      throw new ExecutorUnreachableError(executorUrl, error instanceof Error ? error.message : String(error));
    }
  }
}
