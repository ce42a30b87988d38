import { GpucProtocolError } from "./base.ts";

/** The funding boxes hold fewer GPUC units than the action needs. */
export class InsufficientGpucError extends GpucProtocolError {
  readonly required: bigint;
  readonly available: bigint;

  constructor(required: bigint, available: bigint) {
    super(
      `This needs ${required} GPUC units but the given boxes hold ${available}; ` +
        `get ${required - available} more GPUC (draw LETS credit or swap a stable token in) and retry`,
    );
    this.required = required;
    this.available = available;
  }
}
