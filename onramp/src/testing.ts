// Test kit of @gpuc/onramp: the local Stripe stand-in.
export { type StandInSession, type StripeStandIn, startStripeStandIn } from "./testing/stripe-stand-in.ts";
