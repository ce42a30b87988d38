import type { Database } from "@gpuc/platform";
import type { Scope } from "../core/route.ts";

export interface ApiKeyRow {
  id: string;
  address: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = "id, address, name, prefix, scopes, created_at, last_used_at, revoked_at";

export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(row: Omit<ApiKeyRow, "last_used_at" | "revoked_at">, keyHash: string): Promise<ApiKeyRow> {
    const rows = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, address, name, prefix, key_hash, scopes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [row.id, row.address, row.name, row.prefix, keyHash, row.scopes, row.created_at],
    );
    return rows[0]!;
  }

  /** The active key with this hash, touching its last use. */
  async useActive(keyHash: string, now: Date): Promise<ApiKeyRow | undefined> {
    const rows = await this.db.query<ApiKeyRow>(
      `UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [keyHash, now],
    );
    return rows[0];
  }

  async listByAddress(address: string): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE address = $1 ORDER BY created_at, id`,
      [address],
    );
  }

  async revoke(id: string, address: string, now: Date): Promise<ApiKeyRow | undefined> {
    const rows = await this.db.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND address = $2 RETURNING ${COLUMNS}`,
      [id, address, now],
    );
    return rows[0];
  }
}
