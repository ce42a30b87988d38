import { GpucProtocolError } from "./base.ts";

/** Expiry was asked for before the escrow's prepaid time and dispute grace have passed. */
export class ExpiryNotReachedError extends GpucProtocolError {
  readonly boxId: string;
  /** First height at which the escrow can be expired. */
  readonly expiresAt: number;
  readonly height: number;

  constructor(boxId: string, expiresAt: number, height: number) {
    super(
      `Escrow ${boxId} can be expired from height ${expiresAt}; the next block is ${height}. ` +
        `Wait ${expiresAt - height} more blocks, or use consumer exit / cooperative close`,
    );
    this.boxId = boxId;
    this.expiresAt = expiresAt;
    this.height = height;
  }
}
