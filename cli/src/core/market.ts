import type { Signer } from "@gpuc/offchain";
import { JsonHttp } from "./http.ts";

/** A GPU offer as `GET /api/v1/gpus` lists it (amounts in GPUC units as decimal strings). */
export interface GpuOffer {
  readonly id: string;
  readonly providerId: string;
  readonly model: string;
  readonly vramGb: number;
  readonly count: number;
  readonly region: string;
  readonly pricePerHour: string;
  readonly minHours: number;
  readonly maxHours: number;
  readonly reliability: number;
  readonly online: boolean;
  readonly available: boolean;
}

export interface Page<T> {
  readonly items: T[];
  readonly page: number;
  readonly limit: number;
  readonly total: number;
}

/** A rental as the marketplace shows it to its consumer. */
export interface Instance {
  readonly id: string;
  readonly state: string;
  readonly providerId: string;
  readonly gpuId: string;
  readonly image: string;
  readonly hours: number;
  readonly pricePerHour: string;
  readonly amount: string;
  readonly escrowTxId: string | null;
  readonly escrowBoxId: string | null;
  readonly startHeight: number | null;
  readonly expiresAt: string | null;
  readonly closeReason: string | null;
  readonly billedSeconds: number | null;
  /** Where the provider's executor serves logs/exec/stop (added by the marketplace with executor endpoints). */
  readonly executorUrl?: string | null;
}

export interface Provider {
  readonly id: string;
  readonly ownerAddress: string;
  readonly name: string;
  readonly stakeBoxId: string;
  readonly listed: boolean;
  readonly online: boolean;
}

export interface Credential {
  readonly token: string;
  readonly instanceId: string;
  readonly providerId: string;
  readonly scope: string[];
  readonly expiresAt: string;
}

/** A GPU listing (what the provider's stake box R5 hashes). */
export interface Listing {
  readonly region: string;
  readonly gpus: readonly Record<string, unknown>[];
}

export type SearchFilters = Readonly<Record<string, string | undefined>>;

/**
 * The marketplace API for a wallet: signs in with the wallet's key (challenge → signature → session token, once
 * per process) and calls the consumer and provider routes.
 *
 * @example
 * const market = new Marketplace("http://127.0.0.1:8080", wallet.signer);
 * const offers = await market.searchGpus({ max_price: "2000000" });
 */
export class Marketplace {
  readonly http: JsonHttp;
  #token: string | undefined;

  constructor(
    readonly url: string,
    readonly signer?: Signer,
  ) {
    this.http = new JsonHttp(url, "The marketplace");
  }

  /** A session token for the wallet (EIP-28-style sign-in: the wallet signs the challenge message). */
  async signIn(): Promise<string> {
    if (this.#token) return this.#token;
    if (!this.signer) throw new Error("Marketplace.signIn needs a wallet signer");
    const address = this.signer.address;
    const challenge = await this.http.request<{ nonce: string; message: string }>(
      "POST",
      "/api/v1/auth/challenge",
      { body: { address } },
    );
    const proof = Buffer.from(this.signer.signMessage(new TextEncoder().encode(challenge.message))).toString(
      "hex",
    );
    const session = await this.http.request<{ token: string }>("POST", "/api/v1/auth/verify", {
      body: { address, nonce: challenge.nonce, proof },
    });
    this.#token = session.token;
    return session.token;
  }

  async searchGpus(filters: SearchFilters = {}): Promise<Page<GpuOffer>> {
    const query = new URLSearchParams(
      Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return this.http.request("GET", `/api/v1/gpus?${query}`);
  }

  async gpu(id: string): Promise<GpuOffer> {
    return this.http.request("GET", `/api/v1/gpus/${encodeURIComponent(id)}`);
  }

  async rent(request: {
    gpuId: string;
    hours: number;
    image: string;
    cmd?: string[];
    env?: Record<string, string>;
  }): Promise<{ instance: Instance; unsignedTx: Record<string, unknown> }> {
    return this.authed("POST", "/api/v1/instances", request);
  }

  async fund(instanceId: string, signedTx: unknown): Promise<Instance> {
    return this.authed("POST", `/api/v1/instances/${id(instanceId)}/funding`, { signedTx });
  }

  async instance(instanceId: string): Promise<Instance> {
    return this.authed("GET", `/api/v1/instances/${id(instanceId)}`);
  }

  async instances(): Promise<Page<Instance>> {
    return this.authed("GET", "/api/v1/instances?limit=100");
  }

  async stop(instanceId: string): Promise<Instance> {
    return this.authed("POST", `/api/v1/instances/${id(instanceId)}/stop`);
  }

  async credential(instanceId: string, scope?: string[]): Promise<Credential> {
    return this.authed("POST", `/api/v1/instances/${id(instanceId)}/credentials`, scope ? { scope } : {});
  }

  async listingHash(listing: Listing): Promise<{ listingHash: string; gpus: number }> {
    return this.http.request("POST", "/api/v1/listings/hash", { body: listing });
  }

  async registerProvider(body: { name: string; stakeBoxId: string; listing: Listing }): Promise<Provider> {
    return this.authed("POST", "/api/v1/providers", body);
  }

  async updateListing(
    providerId: string,
    body: { stakeBoxId?: string; listing: Listing },
  ): Promise<Provider> {
    return this.authed("PUT", `/api/v1/providers/${id(providerId)}/listing`, body);
  }

  async providers(): Promise<Provider[]> {
    return (await this.authed<{ items: Provider[] }>("GET", "/api/v1/providers")).items;
  }

  async createApiKey(name: string, scopes: string[]): Promise<{ id: string; key: string }> {
    return this.authed("POST", "/api/v1/api-keys", { name, scopes });
  }

  private async authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.http.request<T>(method, path, { token: await this.signIn(), body });
  }
}

const id = (value: string) => encodeURIComponent(value);
