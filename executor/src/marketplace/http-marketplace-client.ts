import { createLogger, type Logger } from "@gpuc/platform";
import {
  type CallOptions,
  type InstanceEvent,
  MarketplaceClient,
  ProblemError,
  type ProviderRentalEvent,
  type ReceiptBatch,
  type Rental,
  type SignedHeartbeat,
} from "@gpuc/sdk";
import { ExecutorError } from "../errors.ts";
import type { AgentMarketplace } from "./marketplace-client.ts";

/** The marketplace refused this executor's API key (401/403): the provider must fix GPUC_API_KEY. */
export class MarketplaceCredentialsError extends ExecutorError {
  constructor(readonly problem: ProblemError) {
    super(`${problem.message} — check GPUC_API_KEY (a provider-scoped key of this provider)`, {
      cause: problem,
    });
  }
}

export interface HttpMarketplaceClientOptions {
  readonly baseUrl: string;
  readonly providerId: string;
  /** A provider-scoped API key (`gpuc_…`). */
  readonly apiKey: string;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * The agent's marketplace over @gpuc/sdk's `MarketplaceClient`, bound to this provider and its API key.
 * Failures are the sdk's typed errors (`ProblemError`, `NetworkError`); a refused key is
 * `MarketplaceCredentialsError`. The agent's loops retry; the client itself retries only the idempotent poll.
 */
export class HttpMarketplaceClient implements AgentMarketplace {
  readonly #client: MarketplaceClient;
  readonly #providerId: string;
  readonly #log: Logger;
  readonly #call: CallOptions;

  constructor(options: HttpMarketplaceClientOptions) {
    this.#client = new MarketplaceClient({ baseUrl: options.baseUrl, auth: options.apiKey });
    this.#providerId = options.providerId;
    this.#log = options.logger ?? createLogger("executor.marketplace");
    this.#call = { timeoutMs: options.timeoutMs ?? 10_000 };
  }

  async sendHeartbeat(heartbeat: SignedHeartbeat): Promise<void> {
    await credentials(this.#client.sendHeartbeat(this.#providerId, heartbeat, this.#call));
  }

  async assignedRentals(): Promise<readonly Rental[]> {
    const { rentals, unreadable } = await credentials(
      this.#client.assignedRentals(this.#providerId, this.#call),
    );
    for (const { item, issues } of unreadable) this.#log.warn("RENTAL_UNREADABLE", { item, issues });
    return rentals;
  }

  async *rentalChanges(options: {
    signal: AbortSignal;
  }): AsyncGenerator<ProviderRentalEvent, void, undefined> {
    try {
      yield* this.#client.providerRentalStream(this.#providerId, { signal: options.signal });
    } catch (error) {
      throw refusedKey(error);
    }
  }

  async reportEvent(instanceId: string, event: InstanceEvent): Promise<void> {
    await credentials(this.#client.reportEvent(instanceId, event, this.#call));
  }

  async putReceiptBatch(batch: ReceiptBatch): Promise<void> {
    await credentials(this.#client.putReceiptBatch(this.#providerId, batch, this.#call));
  }
}

async function credentials<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw refusedKey(error);
  }
}

/** A 401/403 as `MarketplaceCredentialsError`; any other error as it is. */
function refusedKey(error: unknown): unknown {
  if (error instanceof ProblemError && (error.status === 401 || error.status === 403)) {
    return new MarketplaceCredentialsError(error);
  }
  return error;
}
