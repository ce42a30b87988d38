import { GpucProtocolError } from "./base.ts";

/** A stake or escrow argument is outside what the contract accepts (non-positive hours, a share above the escrow, ...). */
export class InvalidRentalArgumentError extends GpucProtocolError {
  readonly field: string;
  readonly value: bigint | number | string;

  constructor(field: string, value: bigint | number | string, expectation: string) {
    super(`${field} is ${value}, but it must be ${expectation}`);
    this.field = field;
    this.value = value;
  }
}
