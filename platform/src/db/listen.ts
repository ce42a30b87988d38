import type { Logger } from "../logger.ts";
import type { Pool, PoolClient } from "./pool.ts";

/** What a subscriber of a channel hears: each payload, and a `resync` after the connection was lost. */
export interface ChannelListener {
  notify(payload: string): void;
  /** Notifications may have been missed while the connection was down: read the state afresh. */
  resync(): void;
}

const RECONNECT_MS = 1_000;

/**
 * LISTEN on one PostgreSQL channel over one dedicated connection of the pool, held only while someone listens (an
 * idle process, or a test's pool, holds none). Notifications arrive in commit order, from every process writing the
 * database; a lost connection is replaced and its listeners told to resync.
 *
 * @example
 * const channel = new PgChannel(db.pool, "gpuc_gpus", log);
 * const stop = await channel.listen({ notify: (id) => refresh(id), resync: () => reloadAll() });
 * await channel.send("barrier-1"); // heard after every notification committed before it
 */
export class PgChannel {
  readonly #listeners = new Set<ChannelListener>();
  #connection: Promise<Listening> | undefined;
  #closed = false;

  constructor(
    private readonly pool: Pool,
    readonly channel: string,
    private readonly log: Logger,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new RangeError(`not a plain channel name: ${channel}`);
  }

  /** Resolves once LISTEN is in effect (notifications committed after it are heard), to the function that stops it. */
  async listen(listener: ChannelListener): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    try {
      await this.#connected();
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
    return () => this.#remove(listener);
  }

  /** NOTIFY on the channel from another connection of the pool. */
  async send(payload: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [this.channel, payload]);
  }

  /** Stops listening for good (the process is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#release();
  }

  #connected(): Promise<Listening> {
    if (this.#closed) return Promise.reject(new Error(`channel ${this.channel} is closed`));
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
      this.channel,
      (payload) => {
        for (const listener of this.#listeners) listener.notify(payload);
      },
      (error) => this.#lost(listening, error),
    );
    await client.query(`LISTEN ${this.channel}`);
    return listening;
  }

  /** The server or network dropped the connection: take another and have the listeners read what they missed. */
  #lost(listening: Listening, error: Error): void {
    this.log.warn("CHANNEL_LOST", { channel: this.channel, error: error.message });
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
        this.log.warn("CHANNEL_RECONNECT_FAILED", { channel: this.channel, error: (error as Error).message });
        setTimeout(() => this.#reconnect(), RECONNECT_MS).unref();
      },
    );
  }

  async #remove(listener: ChannelListener): Promise<void> {
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
  readonly #onNotification: (message: { channel: string; payload?: string }) => void;
  readonly #onError: (error: Error) => void;

  constructor(
    private readonly client: PoolClient,
    private readonly channel: string,
    notify: (payload: string) => void,
    lost: (error: Error) => void,
  ) {
    this.#onNotification = (message) => {
      if (message.channel === channel) notify(message.payload ?? "");
    };
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
    await this.client.query(`UNLISTEN ${this.channel}`).then(
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
