import type { Logger, Pool, PoolClient } from "@gpuc/platform";
import { z } from "zod";

/** The PostgreSQL channel the `instances` trigger notifies (migration 011). */
export const INSTANCE_CHANNEL = "gpuc_instances";

/** One committed change of an instance row, as the trigger announces it. */
export const instanceChangeSchema = z.object({
  id: z.uuid(),
  consumer: z.string(),
  providerId: z.uuid(),
  state: z.string(),
  revision: z.string().regex(/^\d+$/).transform(BigInt),
});
export type InstanceChange = z.output<typeof instanceChangeSchema>;

/** What a subscriber hears: each change, and a `resync` after the connection was lost (changes may be missed). */
export interface InstanceListener {
  change(change: InstanceChange): void;
  resync(): void;
}

const RECONNECT_MS = 1_000;

/**
 * Instance changes from every process writing the database, over LISTEN on one dedicated connection of the pool.
 * The connection is held only while someone listens, so an idle marketplace (and a test's pool) holds none; a lost
 * connection is replaced and its listeners told to resync.
 *
 * @example
 * const stop = await notifications.listen({ change: (c) => console.log(c.id, c.state), resync: () => {} });
 * await stop();
 */
export class InstanceNotifications {
  readonly #listeners = new Set<InstanceListener>();
  #client: Promise<PoolClient> | undefined;
  #closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
  ) {}

  /** Resolves once LISTEN is in effect (changes committed after it are heard), to the function that stops it. */
  async listen(listener: InstanceListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    try {
      await this.#connected();
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
    return () => this.#remove(listener);
  }

  /** Stops listening for good (the marketplace is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#release();
  }

  #connected(): Promise<PoolClient> {
    if (this.#closed) return Promise.reject(new Error("instance notifications are closed"));
    this.#client ??= this.#connect().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #connect(): Promise<PoolClient> {
    const client = await this.pool.connect();
    client.on("notification", (message) => this.#dispatch(message.payload));
    client.on("error", (error) => this.#lost(client, error));
    await client.query(`LISTEN ${INSTANCE_CHANNEL}`);
    return client;
  }

  #dispatch(payload: string | undefined): void {
    const parsed = instanceChangeSchema.safeParse(safeJson(payload));
    if (!parsed.success) {
      this.log.warn("INSTANCE_NOTIFICATION_UNREADABLE", { payload });
      return;
    }
    for (const listener of this.#listeners) listener.change(parsed.data);
  }

  /** The server or network dropped the connection: take another and have the listeners read what they missed. */
  #lost(client: PoolClient, error: Error): void {
    this.log.warn("INSTANCE_NOTIFICATIONS_LOST", { error: error.message });
    this.#client = undefined;
    client.release(error);
    setTimeout(() => this.#reconnect(), RECONNECT_MS).unref();
  }

  #reconnect(): void {
    if (this.#listeners.size === 0 || this.#closed) return;
    this.#connected().then(
      () => {
        for (const listener of this.#listeners) listener.resync();
      },
      (error: unknown) => {
        this.log.warn("INSTANCE_NOTIFICATIONS_RECONNECT_FAILED", { error: (error as Error).message });
        setTimeout(() => this.#reconnect(), RECONNECT_MS).unref();
      },
    );
  }

  async #remove(listener: InstanceListener): Promise<void> {
    this.#listeners.delete(listener);
    if (this.#listeners.size === 0) await this.#release();
  }

  async #release(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    if (!pending) return;
    const client = await pending.catch(() => undefined);
    if (!client) return;
    // Back in the pool it must not keep listening: its next user would get our notifications.
    await client.query(`UNLISTEN ${INSTANCE_CHANNEL}`).then(
      () => client.release(),
      (error: Error) => client.release(error),
    );
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
