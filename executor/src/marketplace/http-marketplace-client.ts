import { createLogger, type Logger } from "@gpuc/platform";
import { z } from "zod";
import { ExecutorError } from "../errors.ts";
import type { InstanceEvent, MarketplaceClient, SignedHeartbeat } from "./marketplace-client.ts";
import { type Rental, rentalSchema } from "./rental.ts";

/** The marketplace answered with an error status. */
export class MarketplaceHttpError extends ExecutorError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(
      `Marketplace ${method} ${path} answered ${status}: ${body.slice(0, 300)}${status === 401 || status === 403 ? " — check GPUC_API_KEY (a provider-scoped key of this provider)" : ""}`,
    );
  }
}

/** The marketplace could not be reached at all. */
export class MarketplaceUnreachableError extends ExecutorError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `Marketplace at ${url} is unreachable (${cause instanceof Error ? cause.message : String(cause)}); check GPUC_MARKETPLACE_URL; the executor retries`,
      { cause },
    );
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

const ACTIVE_STATES = "Funded,Starting,Running,Stopping";
// Accept a bare array or the usual list envelopes, so the executor does not break on a paging wrapper.
const listSchema = z.union([
  z.array(z.unknown()),
  z.object({ items: z.array(z.unknown()) }).transform((body) => body.items),
  z.object({ instances: z.array(z.unknown()) }).transform((body) => body.instances),
  z.object({ data: z.array(z.unknown()) }).transform((body) => body.data),
]);

/** The marketplace's provider API (`/api/v1/providers/{id}/…`, `/api/v1/instances/{id}/events`) over fetch. */
export class HttpMarketplaceClient implements MarketplaceClient {
  readonly #options: HttpMarketplaceClientOptions;
  readonly #log: Logger;

  constructor(options: HttpMarketplaceClientOptions) {
    this.#options = options;
    this.#log = options.logger ?? createLogger("executor.marketplace");
  }

  async sendHeartbeat(heartbeat: SignedHeartbeat): Promise<void> {
    await this.#request("POST", `/api/v1/providers/${this.#provider}/heartbeats`, heartbeat);
  }

  async assignedRentals(): Promise<readonly Rental[]> {
    const body = await this.#request(
      "GET",
      `/api/v1/providers/${this.#provider}/instances?state=${ACTIVE_STATES}`,
    );
    const list = listSchema.parse(body);
    const rentals: Rental[] = [];
    for (const item of list) {
      const parsed = rentalSchema.safeParse(item);
      if (parsed.success) rentals.push(parsed.data);
      else this.#log.warn("RENTAL_UNREADABLE", { item, issues: parsed.error.issues.map((i) => i.message) });
    }
    return rentals;
  }

  async reportEvent(instanceId: string, event: InstanceEvent): Promise<void> {
    await this.#request("POST", `/api/v1/instances/${encodeURIComponent(instanceId)}/events`, event);
  }

  get #provider(): string {
    return encodeURIComponent(this.#options.providerId);
  }

  async #request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.#options.baseUrl).toString();
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#options.apiKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new MarketplaceUnreachableError(url, error);
    }
    const text = await response.text();
    if (!response.ok) throw new MarketplaceHttpError(method, path, response.status, text);
    return text.length > 0 ? JSON.parse(text) : undefined;
  }
}
