import { ConfigError } from "@gpuc/platform";
import Stripe from "stripe";

export interface StripeClientOptions {
  /** `sk_live_…` or `sk_test_…`. */
  readonly secretKey: string;
  /** Another API origin than Stripe's, e.g. `http://127.0.0.1:12111` (the stand-in); parsed into host/port/protocol. */
  readonly apiBase?: string;
  /** Per request, milliseconds (Stripe's default: 80 s). */
  readonly timeoutMs?: number;
  /** Retries on network errors, 409 and 5xx; the library keys each retried POST so it is applied once. */
  readonly maxNetworkRetries?: number;
}

/**
 * The official Stripe client, on the API version this library's types describe.
 *
 * @example
 * const stripe = createStripeClient({ secretKey: "sk_test_…", apiBase: standIn.apiBase });
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  return new Stripe(options.secretKey, {
    apiVersion: Stripe.API_VERSION,
    timeout: options.timeoutMs ?? 20_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    appInfo: { name: "gpuc-onramp" },
    telemetry: false,
    ...(options.apiBase !== undefined && parseApiBase(options.apiBase)),
  });
}

/** The client has no base-path option: only an origin can stand in for `https://api.stripe.com`. */
function parseApiBase(apiBase: string): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  const url = URL.canParse(apiBase) ? new URL(apiBase) : undefined;
  const protocol = url?.protocol.replace(/:$/, "");
  if (!url || (protocol !== "http" && protocol !== "https") || url.pathname !== "/" || url.search)
    throw new ConfigError([
      `Stripe apiBase ${apiBase}: must be an http(s) origin such as http://127.0.0.1:12111`,
    ]);
  // An IPv6 literal keeps its brackets in `hostname`; Node's http.request wants it bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port || (protocol === "https" ? 443 : 80), protocol };
}
