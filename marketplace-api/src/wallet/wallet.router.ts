import {
  creditAccountSchema,
  creditAmountRequest,
  creditTxSchema,
  submitTxRequest,
  submittedTxSchema,
  swapRequest,
  swapTokensSchema,
  swapTxSchema,
} from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import { CREDIT_ACTIONS, type CreditAction, type CreditService } from "./credit.service.ts";
import { connected, type ProtocolReader } from "./protocol-node.ts";
import { submitted } from "./submit.ts";
import type { SwapService } from "./swap.service.ts";

export interface WalletServices {
  credit: CreditService;
  swap: SwapService;
  protocolReader: ProtocolReader | undefined;
}

const WHAT: Record<CreditAction, string> = {
  "collateral/add": "Add `amount` nanoERG of collateral to your Credit Account",
  "collateral/withdraw":
    "Withdraw `amount` nanoERG of collateral (the rest must cover the debt at the collateral ratio)",
  draw: "Draw `amount` GPUC units of credit against your collateral",
  repay: "Repay `amount` GPUC units of your debt from your wallet",
};

/** The wallet actions the web app signs with Nautilus: credit, Bank swap, and submitting what was signed. */
export function walletRoutes(services: WalletServices): Route[] {
  const { credit, swap } = services;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/wallet/credit",
      tag: "wallet",
      summary:
        "Your Credit Account as confirmed on chain: collateral (nanoERG), debt (GPUC units), ratio, liquidation price, what may be drawn or withdrawn",
      auth: "read",
      response: creditAccountSchema,
      errors: [404, 503],
      handle: ({ principal }) => credit.account(principal),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/credit/open",
      tag: "wallet",
      summary:
        "Open a Credit Account with `amount` nanoERG of collateral: the unsigned transaction and the account it makes (builder refusals are 422 with the builder's message)",
      auth: "consumer",
      body: creditAmountRequest,
      response: creditTxSchema,
      errors: [409, 422, 503],
      handle: ({ principal, body }) => credit.open(principal, body.amount),
    }),
    ...(Object.keys(CREDIT_ACTIONS) as CreditAction[]).map((action) =>
      defineRoute({
        method: "post",
        path: `/api/v1/wallet/credit/${action}`,
        tag: "wallet",
        summary: `${WHAT[action]}: the unsigned transaction and the account's health after it (builder refusals are 422 with the builder's message in GPUC/ERG)`,
        auth: "consumer",
        body: creditAmountRequest,
        response: creditTxSchema,
        errors: [404, 422, 503],
        handle: ({ principal, body }) => credit.act(principal, action, body.amount),
      }),
    ),
    defineRoute({
      method: "get",
      path: "/api/v1/wallet/swap",
      tag: "wallet",
      summary:
        "The stable tokens the Bank swaps into GPUC (the Config's whitelist), with their rates and the fee",
      response: swapTokensSchema,
      errors: [404],
      handle: () => swap.tokens(),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/swap",
      tag: "wallet",
      summary:
        "Swap `amount` units of a whitelisted stable token into GPUC through the Bank: the unsigned transaction and the GPUC it pays",
      auth: "consumer",
      body: swapRequest,
      response: swapTxSchema,
      errors: [422, 503],
      handle: ({ principal, body }) => swap.swapIn(principal, body.tokenId, body.amount),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/transactions",
      tag: "wallet",
      summary:
        "Submit a wallet-signed transaction (credit, swap, stake) to the node; the node's refusal is a 422 with its reason",
      auth: "any",
      body: submitTxRequest,
      response: submittedTxSchema,
      errors: [422, 503],
      handle: async ({ body }) => ({
        txId: await submitted(connected(services.protocolReader).node.client, body.signedTx, "wallet"),
      }),
    }),
  ];
}
