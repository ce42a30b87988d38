import { DevnetError } from "./devnetError.ts";

/** The devnet was stopped; start a new one (`Devnet.start`) on the same database to continue. */
export class DevnetStoppedError extends DevnetError {
  constructor() {
    super("The devnet is stopped; start it again with Devnet.start on the same database to continue");
  }
}
