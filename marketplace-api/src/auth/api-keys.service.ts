import { randomUUID } from "node:crypto";
import type { Logger } from "@gpuc/platform";
import { assert } from "@gpuc/platform/http";
import type { ApiKey } from "@gpuc/sdk";
import type { Clock } from "../core/clock.ts";
import type { Principal, Scope } from "../core/route.ts";
import type { ApiKeyRow, ApiKeysRepository } from "./api-keys.repository.ts";
import { hashToken, newToken } from "./tokens.ts";

/** API keys for scripts and executors: shown once, stored as sha256, scoped, revocable. */
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async create(
    principal: Principal,
    name: string,
    scopes: readonly Scope[],
  ): Promise<ApiKey & { key: string }> {
    // A key cannot mint keys: otherwise a leaked narrow key could grant itself wider scopes.
    assert(principal.via === "session", 403, "Create API keys from a wallet session, not with an API key");
    assert(
      !scopes.includes("arbiter") || principal.scopes.includes("arbiter"),
      403,
      "Only the marketplace's arbiter wallet may create 'arbiter' keys; sign in with the ARBITER_SECRET_HEX key",
    );
    const key = newToken("gpuc");
    const row = await this.repo.insert(
      {
        id: randomUUID(),
        address: principal.address,
        name,
        prefix: key.slice(0, 12),
        scopes: [...new Set(scopes)],
        created_at: this.clock.now(),
      },
      hashToken(key),
    );
    this.log.info("API_KEY_CREATED", { keyId: row.id, address: row.address, scopes: row.scopes });
    return { ...toApiKey(row), key };
  }

  async list(principal: Principal): Promise<ApiKey[]> {
    return (await this.repo.listByAddress(principal.address)).map(toApiKey);
  }

  /**
   * Revokes one of the caller's keys. A wallet session may revoke any of them; an API key only itself (a leaked
   * key, even a read-only one, must not switch off the owner's executors or scripts).
   */
  async revoke(principal: Principal, id: string): Promise<ApiKey> {
    assert(
      principal.via === "session" || principal.apiKeyId === id,
      403,
      "An API key may revoke only itself; revoke other keys from a wallet session",
    );
    const row = await this.repo.revoke(id, principal.address, this.clock.now());
    assert(row, 404, `API key ${id} not found among your keys`);
    this.log.info("API_KEY_REVOKED", { keyId: id });
    return toApiKey(row);
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
