import { type MarketplaceClient, type Order, ProblemError, type Quote } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useSearch } from "wouter";
import { BridgeIn } from "../components/bridge/bridge-in.tsx";
import { BankSwap } from "../components/credit/bank-swap.tsx";
import { RequireSession } from "../components/require-session.tsx";
import { Empty, ErrorNote, QueryView } from "../components/status.tsx";
import { TxLink } from "../components/tx-link.tsx";
import { keys } from "../lib/api.ts";
import { formatGpuc, formatTime } from "../lib/format.ts";
import { useWallet } from "../wallet/wallet.tsx";

const usd = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
const cents = (value: number) => usd.format(value / 100);

// Orders still moving are refreshed while the page is open (a card payment settles in seconds to minutes).
const MOVING = new Set(["created", "open", "awaiting_payment", "paid", "delivering"]);

/** Every way to GPUC: a card (the fiat on-ramp), credit against ERG, and the Bank's swap of bridged stables. */
export default function GetGpucPage() {
  return (
    <>
      <h1>Get GPUC</h1>
      <section aria-labelledby="card-title">
        <h2 id="card-title">Buy with a card</h2>
        <RequireSession why="buy GPUC with a card">
          {(client, address) => <CardPurchase client={client} address={address} />}
        </RequireSession>
      </section>
      <section aria-labelledby="credit-title">
        <h2 id="credit-title">Draw against ERG</h2>
        <p>
          Lock ERG as collateral in a credit account and draw GPUC against it; repay any time to take the ERG
          back. <Link href="/credit">Open the credit page</Link>.
        </p>
      </section>
      <section aria-labelledby="bridge-title">
        <h2 id="bridge-title">Bridge in with Rosen</h2>
        <RequireSession why="see what to bridge and your deposits">
          {(client, address) => <BridgeIn client={client} address={address} />}
        </RequireSession>
      </section>
      <section aria-labelledby="swap-title">
        <h2 id="swap-title">Swap bridged stablecoins</h2>
        <p>
          The Bank swaps whitelisted stable tokens (SigUSD, and stablecoins bridged to Ergo with Rosen Bridge)
          into GPUC at the Config's rate. Bridge them to your own Ergo address first with{" "}
          <a href="https://app.rosen.tech" target="_blank" rel="noreferrer">
            Rosen's app
          </a>
          .
        </p>
        <BankSwap />
      </section>
    </>
  );
}

/** Where Stripe Checkout returns the buyer (`/onramp/orders/:id`): the order, followed until its GPUC arrives. */
export function OrderPage({ id }: { id: string }) {
  return (
    <>
      <h1>Your GPUC order</h1>
      <RequireSession why="follow your order">
        {(client) => <OrderStatus client={client} id={id} />}
      </RequireSession>
      <p>
        <Link href="/get-gpuc">Back to Get GPUC</Link>
      </p>
    </>
  );
}

const ORDER_WORDS: Record<Order["state"], string> = {
  created: "Created: opening the checkout…",
  open: "Waiting for your payment on Stripe's page",
  awaiting_payment: "Your payment is clearing (bank methods take a while)",
  paid: "Paid: sending your GPUC…",
  delivering: "Sending your GPUC: the transaction is waiting for confirmations",
  delivered: "Delivered: the GPUC is in your wallet",
  failed: "Failed: the payment did not go through; nothing was charged",
  expired: "Expired: the checkout was not paid in time; ask for a new price",
  refunded: "Refunded to your card",
  disputed: "Disputed with your card issuer",
};

function OrderStatus({ client, id }: { client: MarketplaceClient; id: string }) {
  const { network } = useWallet();
  const query = useQuery({
    queryKey: ["order", id],
    queryFn: ({ signal }) => client.onrampOrder(id, { signal }),
    refetchInterval: (current) =>
      current.state.data && !MOVING.has(current.state.data.state) ? false : 2_000,
  });
  return (
    <QueryView query={query} what="the order">
      {(order) => (
        <>
          <p role="status" aria-live="polite" data-testid="order-status">
            {ORDER_WORDS[order.state]}
          </p>
          <dl className="facts">
            <dt>GPUC</dt>
            <dd>{formatGpuc(order.gpuc)}</dd>
            <dt>Charged</dt>
            <dd>{cents(order.totalCents)}</dd>
            <dt>Delivery transaction</dt>
            <dd data-testid="order-delivery">
              <TxLink txId={order.deliveryTxId} network={network} />
            </dd>
          </dl>
        </>
      )}
    </QueryView>
  );
}

function CardPurchase({ client, address }: { client: MarketplaceClient; address: string }) {
  const [quote, setQuote] = useState<Quote>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [unit, setUnit] = useState<"gpuc" | "usd">("gpuc");
  const returned = new URLSearchParams(useSearch()).get("order");

  const ask = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const amount = String(new FormData(event.currentTarget).get("amount") ?? "").trim();
    setBusy(true);
    setError(undefined);
    setQuote(undefined);
    try {
      setQuote(await client.onrampQuote(unit === "gpuc" ? { gpuc: amount } : { usd: amount }));
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  const checkout = async () => {
    if (!quote) return;
    setBusy(true);
    setError(undefined);
    try {
      const order = await client.onrampCheckout(quote.id);
      // Stripe Checkout is Stripe's own page: the card never touches this one.
      if (order.checkoutUrl) window.location.assign(order.checkoutUrl);
      else setError(new Error(`The order is ${order.state}; there is nothing to pay.`));
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  };

  return (
    <>
      {returned && (
        <p className="notice" role="status">
          Thanks: your payment is being confirmed; the GPUC arrives at your wallet once it is. The order below
          follows it.
        </p>
      )}
      <form className="row" onSubmit={ask} aria-label="Card purchase">
        <label>
          Amount
          <input name="amount" inputMode="decimal" required placeholder={unit === "gpuc" ? "25" : "20.00"} />
        </label>
        <label>
          In
          <select value={unit} onChange={(event) => setUnit(event.target.value as "gpuc" | "usd")}>
            <option value="gpuc">GPUC to receive</option>
            <option value="usd">USD to spend</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>
          Get a price
        </button>
      </form>
      {quote && <QuoteView quote={quote} onPay={checkout} busy={busy} />}
      {error !== undefined && <OnrampError error={error} />}
      <Orders client={client} address={address} />
    </>
  );
}

/** An on-ramp that is not configured answers 404: say so instead of "not found". */
function OnrampError({ error }: { error: unknown }) {
  if (error instanceof ProblemError && error.status === 404 && error.path.startsWith("/api/v1/onramp"))
    return (
      <Empty>This marketplace does not sell GPUC by card. Draw against ERG or swap stablecoins below.</Empty>
    );
  return <ErrorNote error={error} />;
}

function QuoteView({ quote, onPay, busy }: { quote: Quote; onPay: () => void; busy: boolean }) {
  return (
    <div className="card" data-testid="quote">
      <dl className="facts">
        <dt>You receive</dt>
        <dd>
          <strong>{formatGpuc(quote.gpuc)}</strong>
        </dd>
        <dt>GPUC at the oracle's rate</dt>
        <dd>{cents(quote.baseCents)}</dd>
        <dt>Operator's spread</dt>
        <dd>{cents(quote.spreadCents)}</dd>
        <dt>Card fee (Stripe)</dt>
        <dd>{cents(quote.stripeFeeCents)}</dd>
        <dt>Total charged</dt>
        <dd>
          <strong>{cents(quote.totalCents)}</strong>
        </dd>
        <dt>Price valid until</dt>
        <dd>{formatTime(quote.expiresAt)}</dd>
      </dl>
      <button type="button" onClick={onPay} disabled={busy}>
        {busy ? "Opening checkout…" : `Pay ${cents(quote.totalCents)} by card`}
      </button>
    </div>
  );
}

function Orders({ client, address }: { client: MarketplaceClient; address: string }) {
  const { network } = useWallet();
  const query = useQuery({
    queryKey: keys.orders(address),
    queryFn: ({ signal }) => client.onrampOrders({}, { signal }),
    refetchInterval: (current) =>
      current.state.data?.items.some((order: Order) => MOVING.has(order.state)) ? 3_000 : false,
    retry: false,
  });
  if (query.error instanceof ProblemError && query.error.status === 404) return null;
  return (
    <>
      <h3>Your card orders</h3>
      <QueryView query={query} what="your orders">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No card orders yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table data-testid="orders">
                <thead>
                  <tr>
                    <th scope="col">Ordered</th>
                    <th scope="col" className="num">
                      GPUC
                    </th>
                    <th scope="col" className="num">
                      Charged
                    </th>
                    <th scope="col">State</th>
                    <th scope="col">Delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((order) => (
                    <tr key={order.id}>
                      <td>{formatTime(order.createdAt)}</td>
                      <td className="num">{formatGpuc(order.gpuc)}</td>
                      <td className="num">{cents(order.totalCents)}</td>
                      <td data-testid="order-state">{order.state.replace(/_/g, " ")}</td>
                      <td>
                        <TxLink txId={order.deliveryTxId} network={network} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
