import type { Database } from "@gpuc/platform";
import { ENDED_STATES } from "@gpuc/sdk";
import type { InstanceRow } from "../instances/instances.repository.ts";

/** An instance row with the revision the `instances` trigger gave its latest change (the stream's event id). */
export type RevisedInstanceRow = InstanceRow & { revision: bigint };

const SELECT = "SELECT i.*, p.executor_url FROM instances i JOIN providers p ON p.id = i.provider_id";
/** A reconnecting stream is sent at most this many instances at once (the most recently changed). */
const SNAPSHOT_LIMIT = 200;

/** What the instance stream reads: single rows as they change, and the snapshot a stream starts with. */
export class InstanceStreamRepository {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<RevisedInstanceRow | undefined> {
    const rows = await this.db.query<RevisedInstanceRow>(`${SELECT} WHERE i.id = $1`, [id]);
    return rows[0];
  }

  /**
   * The consumer's instances a new stream starts from: every one not ended, and every one changed after
   * `afterRevision` (a resumed stream's Last-Event-ID), oldest change first.
   */
  async snapshot(consumer: string, afterRevision: bigint | undefined): Promise<RevisedInstanceRow[]> {
    const rows = await this.db.query<RevisedInstanceRow>(
      `SELECT * FROM (
         ${SELECT}
          WHERE i.consumer_address = $1 AND (i.state <> ALL($2) OR i.revision > $3)
          ORDER BY i.revision DESC LIMIT ${SNAPSHOT_LIMIT}
       ) recent ORDER BY revision`,
      [consumer, ENDED_STATES, afterRevision ?? Number.MAX_SAFE_INTEGER],
    );
    return rows;
  }
}
