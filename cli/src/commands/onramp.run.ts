import { formatGpuc, type Order, type Quote } from "@gpuc/sdk";
import { UsageError } from "../core/errors.ts";
import { keyValues, table } from "../core/table.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import type { CommandEnv } from "./command.ts";
import { session } from "./session.ts";

const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const ENDED = new Set(["delivered", "failed", "expired", "refunded", "disputed"]);
const POLL_MS = 2_000;

/** Banxa's hosted checkout for ERG to this address, as Nautilus links it. */
export function banxaUrl(address: string): string {
  return `https://checkout.banxa.com/?coinType=ERG&walletAddress=${encodeURIComponent(address)}`;
}

export async function buy(env: CommandEnv): Promise<void> {
  const { usd: dollars, gpuc, erg } = env.values as { usd?: string; gpuc?: string; erg?: boolean };
  if (erg === true) {
    // Only the wallet's address: no chain, marketplace or deployment is needed for a link.
    const wallet = readWalletFile(env.config.walletPath);
    const { output } = env;
    const url = banxaUrl(wallet.address);
    return output.result(
      { url, address: wallet.address },
      `Buy ERG by card at Banxa (it pays ${wallet.address}):\n  ${url}\nThen draw GPUC against it: gpuc credit open --collateral <ERG> && gpuc credit draw <GPUC>`,
    );
  }
  if ((dollars === undefined) === (gpuc === undefined))
    throw new UsageError(
      "Give exactly one of --usd <amount> (USD to spend) or --gpuc <amount> (GPUC to buy)",
    );
  const { market, output } = session(env);
  const quote = await market.onrampQuote(dollars !== undefined ? { usd: dollars } : { gpuc: gpuc! });
  output.progress(priceLines(quote));
  const order = await market.onrampCheckout(quote.id);
  output.progress(`Pay at: ${order.checkoutUrl}`);
  if (env.values["no-wait"] === true) return output.result(order, orderText(order));
  const done = await waitForDelivery(env, order);
  output.result(done, orderText(done));
  if (done.state !== "delivered") process.exitCode = 1;
}

export async function orders(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const { all, state, flagged } = env.values as { all?: boolean; state?: string; flagged?: boolean };
  const page = await market.onrampOrders(
    { state: state as Order["state"] | undefined, flagged: flagged ? "true" : undefined, limit: 200 },
    { admin: all === true || flagged === true },
  );
  const rows = page.items.map((o) => [
    o.id,
    o.state,
    `${formatGpuc(o.gpuc)} GPUC`,
    usd(o.totalCents),
    o.flag ?? "",
    local(o.createdAt),
  ]);
  const columns = [
    { header: "ORDER" },
    { header: "STATE" },
    { header: "GPUC", align: "right" as const },
    { header: "PAID", align: "right" as const },
    { header: "FLAG" },
    { header: "CREATED" },
  ];
  output.result(page, rows.length ? table(columns, rows) : "No orders.");
}

export async function retry(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const order = await market.onrampRetry(orderIdArg(env));
  output.result(order, orderText(order));
}

export async function handled(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const order = await market.onrampHandled(orderIdArg(env));
  output.result(order, orderText(order));
}

function orderIdArg(env: CommandEnv): string {
  const id = env.positionals[0];
  if (!id) throw new UsageError("Name the order: gpuc onramp <retry|handled> <order-id>");
  return id;
}

/** Polls the order, printing each new state, until it ends. */
async function waitForDelivery(env: CommandEnv, order: Order): Promise<Order> {
  const { market, output } = session(env);
  let current = order;
  let shown = "";
  while (!ENDED.has(current.state)) {
    if (current.state !== shown) output.progress(`Order ${current.id}: ${describe(current.state)}`);
    shown = current.state;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await market.onrampOrder(current.id);
  }
  return current;
}

function describe(state: Order["state"]): string {
  switch (state) {
    case "created":
    case "open":
      return "waiting for your payment on the Checkout page…";
    case "awaiting_payment":
      return "payment is clearing (bank debits take a few days)…";
    case "paid":
      return "paid; sending your GPUC…";
    case "delivering":
      return "GPUC sent; waiting for confirmations…";
    default:
      return state;
  }
}

function priceLines(quote: Quote): string {
  return keyValues([
    ["GPUC", formatGpuc(quote.gpuc)],
    ["price", usd(quote.baseCents)],
    ["spread", usd(quote.spreadCents)],
    ["card fee", usd(quote.stripeFeeCents)],
    ["total", usd(quote.totalCents)],
    ["quote valid until", local(quote.expiresAt)],
  ]);
}

function orderText(order: Order): string {
  return keyValues([
    ["order", order.id],
    ["state", order.state],
    ["GPUC", formatGpuc(order.gpuc)],
    ["total", usd(order.totalCents)],
    ...(order.checkoutUrl && !ENDED.has(order.state)
      ? [["pay at", order.checkoutUrl] as [string, string]]
      : []),
    ...(order.deliveryTxId ? [["delivery tx", order.deliveryTxId] as [string, string]] : []),
    ...(order.flag
      ? [["flag", `${order.flag}${order.handledAt ? " (handled)" : ""}`] as [string, string]]
      : []),
  ]);
}

/** An ISO time in the user's zone. */
const local = (iso: string) => new Date(iso).toLocaleString();
