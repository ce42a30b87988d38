import { GpucProtocolError } from "./base.ts";

/** A lineage was recreated more often than the walk follows (one recreation per claim, top-up or update). */
export class LineageTooLongError extends GpucProtocolError {
  readonly boxId: string;
  readonly maxSteps: number;

  constructor(boxId: string, maxSteps: number) {
    super(
      `The box ${boxId} was recreated more than ${maxSteps} times; follow it from a later box of its lineage or raise maxSteps`,
    );
    this.boxId = boxId;
    this.maxSteps = maxSteps;
  }
}
