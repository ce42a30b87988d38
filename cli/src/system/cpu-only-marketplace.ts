import type { InstanceEvent, MarketplaceClient, Rental, SignedHeartbeat } from "@gpuc/executor";
import { rentalSchema } from "@gpuc/executor";
import type { Logger } from "@gpuc/platform";
import { ApiError } from "../core/errors.ts";
import { JsonHttp } from "../core/http.ts";

const ACTIVE_STATES = "Funded,Starting,Running,Stopping";

/**
 * The marketplace as an executor on a machine WITHOUT GPUs sees it (`npm start` on a laptop or CI): rentals of
 * the listed GPUs run as CPU-only containers — their pinned device ids are dropped, so the executor neither refuses
 * them (no such GPU here) nor asks Docker for the NVIDIA runtime. Everything else goes to the marketplace as is.
 * Only for demo systems; a real provider runs the executor with its GPUs.
 */
export class CpuOnlyMarketplace implements MarketplaceClient {
  readonly #http: JsonHttp;

  constructor(
    baseUrl: string,
    readonly providerId: string,
    readonly apiKey: string,
    readonly log: Logger,
  ) {
    this.#http = new JsonHttp(baseUrl, "The marketplace");
  }

  async sendHeartbeat(heartbeat: SignedHeartbeat): Promise<void> {
    await this.#http.request("POST", `/api/v1/providers/${this.providerId}/heartbeats`, {
      token: this.apiKey,
      body: heartbeat,
    });
  }

  async assignedRentals(): Promise<readonly Rental[]> {
    const body = await this.#http.request<{ items: unknown[] }>(
      "GET",
      `/api/v1/providers/${this.providerId}/instances?state=${ACTIVE_STATES}`,
      { token: this.apiKey },
    );
    return body.items.flatMap((item) => {
      const parsed = rentalSchema.safeParse(item);
      if (parsed.success) return [{ ...parsed.data, gpuIds: [] }];
      this.log.warn("RENTAL_UNREADABLE", { issues: parsed.error.issues.map((issue) => issue.message) });
      return [];
    });
  }

  async reportEvent(instanceId: string, event: InstanceEvent): Promise<void> {
    try {
      await this.#http.request("POST", `/api/v1/instances/${instanceId}/events`, {
        token: this.apiKey,
        body: event,
      });
    } catch (error) {
      // A stop asked through the marketplace is already Stopping there when the executor reports Stopping; the
      // marketplace answers 409 (from = to), which would block the ordered outbox (and Completed) for good.
      if (error instanceof ApiError && error.status === 409 && error.problem.from === error.problem.to)
        return;
      throw error;
    }
  }
}
