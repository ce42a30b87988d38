import Stripe from "stripe";
import { StripeSignatureError } from "./errors.ts";

/**
 * Verifies a webhook's `Stripe-Signature` over its raw body and returns the event, or throws
 * `StripeSignatureError` saying which check failed. Stripe signs every delivery (retries included) afresh,
 * so a timestamp older than `toleranceS` is a replay or a long-held request, never a legitimate retry.
 *
 * @example
 * const event = verifyEvent(req.body, req.get("stripe-signature"), "whsec_…", 300);
 */
export function verifyEvent(
  webhooks: Stripe.Webhooks,
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
  toleranceS: number,
): Stripe.Event {
  if (!header) throw new StripeSignatureError("missing-header", "the request has no Stripe-Signature header");
  const signedAt = timestampOf(header);
  if (signedAt === undefined)
    throw new StripeSignatureError("malformed-header", "the Stripe-Signature header needs t=… and v1=…");
  try {
    return webhooks.constructEvent(rawBody, header, secret, toleranceS);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
    throw classify(webhooks, rawBody, header, secret, { signedAt, toleranceS });
  }
}

/** `t=` of a header that also carries a `v1=` signature; undefined when either is missing. */
function timestampOf(header: string): number | undefined {
  const parts = header.split(",").map((part) => part.trim());
  const t = parts.find((part) => /^t=\d+$/.test(part));
  if (!t || !parts.some((part) => part.startsWith("v1="))) return undefined;
  return Number(t.slice(2));
}

// The library checks the signature before the age: when it verifies with the age check off (tolerance 0),
// the age was what failed.
function classify(
  webhooks: Stripe.Webhooks,
  rawBody: Buffer,
  header: string,
  secret: string,
  { signedAt, toleranceS }: { signedAt: number; toleranceS: number },
): StripeSignatureError {
  try {
    webhooks.constructEvent(rawBody, header, secret, 0);
  } catch {
    return new StripeSignatureError(
      "bad-signature",
      "no v1 signature matches the body under this endpoint's secret: check the whsec_ secret, and that the raw body reaches the handler unparsed",
    );
  }
  const age = Math.floor(Date.now() / 1000) - signedAt;
  return new StripeSignatureError(
    "stale-timestamp",
    `signed ${age} s ago (at ${new Date(signedAt * 1000).toISOString()}), beyond the ${toleranceS} s tolerance: a replayed or long-delayed request`,
  );
}
