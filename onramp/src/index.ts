// The public surface of @gpuc/onramp: fiat → GPUC through Stripe Checkout, delivered exactly once from a float.
export { loadOnrampConfig, type OnrampConfig, onrampEnvSchema } from "./config.ts";
export * from "./errors.ts";
export { OnrampMetrics } from "./metrics.ts";
export { type OnrampPrincipal, onrampRoutes, STRIPE_WEBHOOK_PATH } from "./onramp.router.ts";
export { createOnramp, migrateOnramp, type Onramp, type OnrampDeps } from "./onramp.ts";
export { StripeSignatureError } from "./payments/errors.ts";
export { createStripeClient, StripeCheckout } from "./payments/stripe-checkout.ts";
export { type GpucQuote, quoteForGpuc, quoteForUsd } from "./pricing/price.ts";
