import { GpucProtocolError } from "./base.ts";

/** A numeric argument is outside what the contract accepts (non-positive hours, a share above the escrow, ...). */
export class InvalidAmountError extends GpucProtocolError {
  readonly field: string;
  readonly value: bigint | number;

  constructor(field: string, value: bigint | number, expectation: string) {
    super(`${field} is ${value}, but it must be ${expectation}`);
    this.field = field;
    this.value = value;
  }
}
