import type { Logger } from "@gpuc/platform";
import type { Instance } from "@gpuc/sdk";
import type { Principal } from "../core/route.ts";
import { toInstance } from "../instances/instance-views.ts";
import type { InstanceTransitions } from "../instances/transitions.ts";
import type { InstanceChange, InstanceNotifications } from "./instance-notifications.ts";
import type { InstanceStreamRepository, RevisedInstanceRow } from "./instance-stream.repository.ts";

export interface InstanceStreamDeps {
  repo: InstanceStreamRepository;
  transitions: InstanceTransitions;
  notifications: InstanceNotifications;
  log: Logger;
}

/** Which instances a stream follows: one (`id`, its consumer's or its provider's), or all of the caller's. */
export interface StreamFilter {
  readonly id?: string;
  /** The revision of the last event the client got (Last-Event-ID), when it resumes. */
  readonly afterRevision?: bigint;
}

/** Receives each instance state the stream sends, with its revision (the event id). */
export type InstanceSink = (instance: Instance, revision: bigint) => void;

/**
 * Live instance state: a stream starts with the current state (the one instance, or the caller's instances that
 * are not ended plus any changed since the resumed revision) and then gets every committed change, from whichever
 * process made it (PostgreSQL notifications). Changes are read and sent one at a time, in order; one already sent
 * (the snapshot and a notification may overlap) is not sent again.
 */
export class InstanceStreamService {
  readonly #open = new Set<() => void>();

  constructor(private readonly d: InstanceStreamDeps) {}

  /**
   * Registers how to end an open stream, so that `shutdown` can: a server does not finish closing while a
   * stream is open. Returns the function that forgets it.
   */
  track(end: () => void): () => void {
    this.#open.add(end);
    return () => this.#open.delete(end);
  }

  /** Ends every open stream and stops listening (the marketplace is stopping; clients reconnect elsewhere). */
  async shutdown(): Promise<void> {
    for (const end of this.#open) end();
    this.#open.clear();
    await this.d.notifications.close();
  }

  /**
   * Checks the caller may see the instance (a 404 before anything is streamed), starts listening, then sends the
   * snapshot. Resolves to the function that stops the stream.
   */
  async open(principal: Principal, filter: StreamFilter, sink: InstanceSink): Promise<() => Promise<void>> {
    if (filter.id) await this.d.transitions.visible(principal, filter.id);
    const sent = new Map<string, bigint>();
    let queue = Promise.resolve();
    const enqueue = (work: () => Promise<RevisedInstanceRow[]>) => {
      queue = queue
        .then(work)
        .then((rows) => this.#send(rows, sent, sink))
        .catch((error: unknown) => this.d.log.warn("INSTANCE_STREAM_READ_FAILED", { error }));
    };
    const snapshot = () => this.#snapshot(principal, filter);
    const stop = await this.d.notifications.listen({
      change: (change) => {
        if (follows(principal, filter, change))
          enqueue(async () => present(await this.d.repo.find(change.id)));
      },
      resync: () => enqueue(snapshot),
    });
    enqueue(snapshot);
    return stop;
  }

  async #snapshot(principal: Principal, filter: StreamFilter): Promise<RevisedInstanceRow[]> {
    if (filter.id) return present(await this.d.repo.find(filter.id));
    return this.d.repo.snapshot(principal.address, filter.afterRevision);
  }

  #send(rows: readonly RevisedInstanceRow[], sent: Map<string, bigint>, sink: InstanceSink): void {
    for (const row of rows) {
      if ((sent.get(row.id) ?? -1n) >= row.revision) continue;
      sent.set(row.id, row.revision);
      sink(toInstance(row), row.revision);
    }
  }
}

/** A stream of one instance follows that id; a stream of all follows its caller's rentals as their consumer. */
function follows(principal: Principal, filter: StreamFilter, change: InstanceChange): boolean {
  return filter.id ? change.id === filter.id : change.consumer === principal.address;
}

function present(row: RevisedInstanceRow | undefined): RevisedInstanceRow[] {
  return row ? [row] : [];
}
