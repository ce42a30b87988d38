import { type Logger, PgChannel, type Pool } from "@gpuc/platform";
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

/**
 * Instance changes from every process writing the database, over LISTEN on one dedicated connection of the pool
 * (`PgChannel`: held only while someone listens; a lost connection is replaced and its listeners told to resync).
 *
 * @example
 * const stop = await notifications.listen({ change: (c) => console.log(c.id, c.state), resync: () => {} });
 * await stop();
 */
export class InstanceNotifications {
  readonly #channel: PgChannel;

  constructor(
    pool: Pool,
    private readonly log: Logger,
  ) {
    this.#channel = new PgChannel(pool, INSTANCE_CHANNEL, log);
  }

  /** Resolves once LISTEN is in effect (changes committed after it are heard), to the function that stops it. */
  listen(listener: InstanceListener): Promise<() => Promise<void>> {
    return this.#channel.listen({
      notify: (payload) => {
        const parsed = instanceChangeSchema.safeParse(safeJson(payload));
        if (parsed.success) listener.change(parsed.data);
        else this.log.warn("INSTANCE_NOTIFICATION_UNREADABLE", { payload });
      },
      resync: () => listener.resync(),
    });
  }

  /** Stops listening for good (the marketplace is stopping). */
  close(): Promise<void> {
    return this.#channel.close();
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
