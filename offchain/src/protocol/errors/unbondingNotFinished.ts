import { GpucProtocolError } from "./base.ts";

/** A stake withdrawal before unbonding has started or finished. */
export class UnbondingNotFinishedError extends GpucProtocolError {
  readonly boxId: string;
  /** First height the stake can be withdrawn at; undefined while it is still bonded. */
  readonly availableAt: number | undefined;
  readonly height: number;

  constructor(boxId: string, availableAt: number | undefined, height: number) {
    super(
      availableAt === undefined
        ? `Stake ${boxId} is bonded; start unbonding first and withdraw once the unbonding period has passed`
        : `Stake ${boxId} can be withdrawn from height ${availableAt}; the next block is ${height}. ` +
            `Wait ${availableAt - height} more blocks`,
    );
    this.boxId = boxId;
    this.availableAt = availableAt;
    this.height = height;
  }
}
