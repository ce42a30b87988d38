// The hosted Checkout page a session's `url` points at: what the buyer sees, a Pay button (card: paid at once)
// and a bank-debit button (async: settles later), then back to the merchant's success_url as Stripe sends
// them back. The webhook is delivered before the redirect, so a browser test sees the order already paid;
// Stripe promises no such order, which the receiver must not rely on.
import express, { type Request, type Response } from "express";
import type { StandInSession } from "./objects.ts";
import type { StandInStore } from "./store.ts";

export interface HostedDeps {
  readonly store: StandInStore;
  /** The buyer paid: completes the session and delivers its event. */
  readonly pay: (sessionId: string, async: boolean) => Promise<unknown>;
}

export function hostedCheckout(deps: HostedDeps): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false }));
  router.get("/pay/:id", (req, res) => {
    const session = openSession(deps.store, req, res);
    if (session) res.type("html").send(payPage(session, deps.store.productName(session.id)));
  });
  router.post("/pay/:id", async (req, res) => {
    const session = openSession(deps.store, req, res);
    if (!session) return;
    await deps.pay(session.id, formField(req, "method") === "bank");
    if (!session.success_url) return res.type("html").send(page("Payment complete", "<h1>Thank you</h1>"));
    // Stripe fills the template variable in the merchant's URL with the session's id.
    res.redirect(303, session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", session.id));
  });
  return router;
}

function formField(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  const value: unknown = typeof body === "object" && body !== null ? Reflect.get(body, name) : undefined;
  return typeof value === "string" ? value : undefined;
}

function openSession(store: StandInStore, req: Request, res: Response): StandInSession | undefined {
  const session = store.sessions.get(String(req.params.id));
  if (session && store.isOpen(session)) return session;
  res
    .status(session ? 410 : 404)
    .type("html")
    .send(page("Checkout closed", "<h1>This Checkout Session is no longer active</h1>"));
  return undefined;
}

function payPage(session: StandInSession, productName: string): string {
  const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
  const cancel = session.cancel_url
    ? `<p><a id="cancel" href="${escapeHtml(session.cancel_url)}">Back</a></p>`
    : "";
  return page(
    `Pay ${amount}`,
    `<main>
<h1 id="product">${escapeHtml(productName)}</h1>
<p id="amount">${amount}</p>
<form method="post">
<button id="pay" type="submit" name="method" value="card">Pay</button>
<button id="pay-bank" type="submit" name="method" value="bank">Pay by bank debit</button>
</form>
${cancel}
</main>`,
  );
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Stripe stand-in</title></head><body>${body}</body></html>`;

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  };
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}
