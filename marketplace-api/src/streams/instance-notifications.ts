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
  #connection: Promise<Listening> | undefined;
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

  #connected(): Promise<Listening> {
    if (this.#closed) return Promise.reject(new Error("instance notifications are closed"));
    this.#connection ??= this.#connect().catch((error: unknown) => {
      this.#connection = undefined;
      throw error;
    });
    return this.#connection;
  }

  async #connect(): Promise<Listening> {
    const client = await this.pool.connect();
    const listening = new Listening(
      client,
      (payload) => this.#dispatch(payload),
      (error) => this.#lost(listening, error),
    );
    await client.query(`LISTEN ${INSTANCE_CHANNEL}`);
    return listening;
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
  #lost(listening: Listening, error: Error): void {
    this.log.warn("INSTANCE_NOTIFICATIONS_LOST", { error: error.message });
    this.#connection = undefined;
    listening.release(error);
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
    const pending = this.#connection;
    this.#connection = undefined;
    const listening = await pending?.catch(() => undefined);
    await listening?.unlisten();
  }
}

/**
 * One pooled connection while it LISTENs. The pool hands the same client out again later, so every handler put on
 * it here comes off before it goes back, and it is released exactly once (pg may report one broken connection
 * more than once: the server's message, then the socket's end).
 */
class Listening {
  #released = false;
  readonly #onNotification: (message: { payload?: string }) => void;
  readonly #onError: (error: Error) => void;

  constructor(
    private readonly client: PoolClient,
    notify: (payload: string | undefined) => void,
    lost: (error: Error) => void,
  ) {
    this.#onNotification = (message) => notify(message.payload);
    this.#onError = (error) => {
      if (!this.#released) lost(error);
    };
    client.on("notification", this.#onNotification);
    client.on("error", this.#onError);
  }

  /** Back to the pool not listening: its next user would get our notifications. */
  async unlisten(): Promise<void> {
    if (this.#released) return;
    this.client.off("notification", this.#onNotification);
    await this.client.query(`UNLISTEN ${INSTANCE_CHANNEL}`).then(
      () => this.release(),
      (error: Error) => this.release(error),
    );
  }

  release(error?: Error): void {
    if (this.#released) return;
    this.#released = true;
    this.client.off("notification", this.#onNotification);
    this.client.off("error", this.#onError);
    this.client.release(error);
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
