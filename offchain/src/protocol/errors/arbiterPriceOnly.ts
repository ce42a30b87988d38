import { GpucProtocolError } from "./base.ts";

/** The arbiter (oracle) may change the price only; other Config changes need the admin. */
export class ArbiterPriceOnlyError extends GpucProtocolError {
  readonly fields: readonly string[];

  constructor(fields: readonly string[]) {
    super(`The arbiter may change only the price; ${fields.join(", ")} need the admin's signature`);
    this.fields = fields;
  }
}
