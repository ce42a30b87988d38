import { DevnetError } from "./devnetError.ts";

/** A rollback would undo the bootstrap blocks the state context needs, or is not a positive block count. */
export class DevnetRollbackError extends DevnetError {
  constructor(
    readonly requested: number,
    readonly allowed: number,
  ) {
    super(
      `Cannot roll back ${requested} blocks: between 1 and ${allowed} blocks can be rolled back now ` +
        "(the bootstrap blocks that give ergo-lib its ten headers stay)",
    );
  }
}
