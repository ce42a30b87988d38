import type { Command } from "./command.ts";

const code = () => import("./onramp.run.ts");

/** `gpuc buy`: GPUC by card through the marketplace's on-ramp (Stripe Checkout). */
export const buyCommand: Command = {
  usage: "gpuc buy (--usd <amount> | --gpuc <amount>) [--no-wait]   |   gpuc buy --erg",
  summary:
    "Buy GPUC by card: prints the price and the Stripe Checkout URL to pay at, then waits until the GPUC is on chain; --erg: buy ERG by card at Banxa (then draw GPUC against it)",
  options: {
    usd: { type: "string" },
    gpuc: { type: "string" },
    erg: { type: "boolean" },
    "no-wait": { type: "boolean" },
  },
  run: async (env) => (await code()).buy(env),
};

/** The on-ramp's orders: a buyer's own, and the operator's view (the arbiter's wallet). */
export const onrampCommands: Record<string, Command> = {
  orders: {
    usage: "gpuc onramp orders [--all] [--state <state>] [--flagged]",
    summary:
      "Your card orders; with --all (the operator's wallet) every order, --flagged those needing action",
    options: { all: { type: "boolean" }, state: { type: "string" }, flagged: { type: "boolean" } },
    run: async (env) => (await code()).orders(env),
  },
  retry: {
    usage: "gpuc onramp retry <order-id>   (operator)",
    summary: "Move a stuck order again (a checkout that never reached Stripe, a paid order's delivery)",
    run: async (env) => (await code()).retry(env),
  },
  handled: {
    usage: "gpuc onramp handled <order-id>   (operator)",
    summary: "Mark a refund or dispute after delivery as dealt with",
    run: async (env) => (await code()).handled(env),
  },
};
