import type { StripeErrorBody } from "./objects.ts";

/**
 * What Stripe would refuse, with its status and error body: the API answers it as JSON, and the test kit's
 * own methods (`pay`, `refund`, …) throw it when a test asks for something Stripe would not do.
 */
export class StandInApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: { readonly type?: string; readonly code?: string; readonly param?: string } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  get body(): StripeErrorBody {
    const { type = "invalid_request_error", code, param } = this.detail;
    return { error: { type, message: this.message, ...(code && { code }), ...(param && { param }) } };
  }
}

/** Stripe's 404 for an id it does not know (`No such checkout.session: 'cs_…'`). */
export const noSuch = (object: string, id: string, param?: string, status = 404) =>
  new StandInApiError(status, `No such ${object}: '${id}'`, { code: "resource_missing", param });

/** A parameter Stripe refuses before acting: such answers are not kept under an idempotency key. */
export class StandInParamError extends StandInApiError {}
