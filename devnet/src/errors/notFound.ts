import { DevnetError } from "./devnetError.ts";

/** A box, transaction or block the caller asked for does not exist (or is not in the asked-for state). */
export class DevnetNotFoundError extends DevnetError {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} ${id} not found`);
  }
}
