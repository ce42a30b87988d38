import { GpucProtocolError } from "./base.ts";

/** Unbonding was asked for on a stake that is already unbonding (it would restart the wait). */
export class AlreadyUnbondingError extends GpucProtocolError {
  readonly boxId: string;
  readonly unbondingStart: number;

  constructor(boxId: string, unbondingStart: number) {
    super(
      `Stake ${boxId} is already unbonding since height ${unbondingStart}; withdraw when the period ends ` +
        "(starting again would restart the wait)",
    );
    this.boxId = boxId;
    this.unbondingStart = unbondingStart;
  }
}
