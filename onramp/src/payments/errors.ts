import { HttpError } from "@gpuc/platform/http";

/** A webhook whose `Stripe-Signature` does not verify over the raw body with the endpoint's secret: refused, nothing stored. */
export class StripeSignatureError extends HttpError {
  constructor(readonly detail: string) {
    super(400, `The webhook signature does not verify (${detail}); nothing was stored`, {});
  }
}
