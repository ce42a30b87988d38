/** A pricing input the on-ramp cannot quote on: a non-positive amount or rate, or a fee outside its range. */
export class PricingError extends Error {
  /** The input that is wrong (`gpucUnits`, `nanoErgPerUsd`, `stripeFee.bps`, …). */
  readonly field: string;
  readonly value: bigint | number;

  constructor(field: string, value: bigint | number, expectation: string) {
    super(`${field} is ${value}, but it must be ${expectation}`);
    this.name = new.target.name;
    this.field = field;
    this.value = value;
  }
}
