import { toErgoTree } from "@gpuc/offchain";
import { createRouteKit, type Route } from "@gpuc/platform/http";
import {
  bridgeInSchema,
  bridgeSwapRequest,
  bridgeSwapSchema,
  bridgeTokensSchema,
  depositListQuery,
  depositPage,
  depositSchema,
  whitelistProposalSchema,
  withdrawQuoteSchema,
  withdrawRequest,
} from "@gpuc/sdk";
import type { Bridge } from "./bridge.ts";
import { openDepositStream } from "./deposits/deposit-stream.ts";
import type { Deposit } from "./deposits/deposits.repository.ts";

/** Who calls a bridge route: a signed-in wallet (the host's principal has at least this). */
export interface BridgePrincipal {
  readonly address: string;
}

/** The server-sent event a confirmed deposit is announced with. */
export const DEPOSIT_EVENT = "deposit";

/**
 * The bridge's routes, for a host that admits callers by `R` (the marketplace: its scopes): the token list is
 * public; the consumer's bridge-in guide, deposits, their live confirmations and swaps; the provider's withdrawal.
 */
export function bridgeRoutes<R extends string>(
  bridge: Bridge,
  auth: { readonly consumer: R; readonly provider: R },
): Route<R, BridgePrincipal>[] {
  const { defineRoute } = createRouteKit<BridgePrincipal, R>();
  const tag = "bridge";
  const { service } = bridge;
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/bridge/tokens",
      tag,
      summary: "The Rosen token map's tokens on Ergo, with whether each swaps into GPUC (rate) or why not",
      response: bridgeTokensSchema,
      errors: [503],
      handle: () => service.tokens(),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/bridge/in",
      tag,
      summary:
        "Bridge in: per source chain, what to lock in Rosen's app and the Ergo address to name (yours)",
      auth: auth.consumer,
      response: bridgeInSchema,
      errors: [503],
      handle: ({ principal }) => service.bridgeIn(principal.address),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/bridge/deposits",
      tag,
      summary: "Bridged tokens that arrived at this wallet, newest first, with their confirmations",
      auth: auth.consumer,
      query: depositListQuery,
      response: depositPage,
      handle: ({ principal, query }) => service.deposits(principal.address, query),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/bridge/deposits/stream",
      tag,
      summary:
        "This wallet's deposits as they confirm (server-sent events): `event: deposit` with the deposit JSON, id " +
        "`<txId>:<tokenId>`; a reconnect with Last-Event-ID gets those confirmed since; `: keepalive` every 15 s. " +
        "Send the token as 'Authorization: Bearer' (read it with fetch)",
      auth: auth.consumer,
      response: depositSchema,
      contentType: "text/event-stream",
      handle: async ({ principal, req, res }) => {
        const tree = toErgoTree(principal.address);
        const stream = openDepositStream(req, res);
        const send = (deposit: Deposit) => {
          const view = service.view(deposit, deposit.confirmedHeight ?? deposit.inclusionHeight);
          stream.send(DEPOSIT_EVENT, `${deposit.txId}:${deposit.tokenId}`, view);
        };
        // Listen first, then replay what a reconnect (Last-Event-ID) missed: a confirmation between the two is
        // sent twice at worst, never lost; the page keys deposits by id.
        const stop = bridge.onConfirmed((deposit) => {
          if (toErgoTree(deposit.address) === tree) send(deposit);
        });
        for (const deposit of await service.missed(principal.address, req.get("last-event-id")))
          send(deposit);
        await stream.done;
        stop();
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/bridge/swaps",
      tag,
      summary:
        "Swap a bridged USD stable into GPUC through the Bank: the unsigned EIP-12 transaction to sign",
      auth: auth.consumer,
      body: bridgeSwapRequest,
      response: bridgeSwapSchema,
      errors: [404, 422, 503],
      handle: ({ principal, body }) => service.swap(principal.address, body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/bridge/whitelist/proposal",
      tag,
      summary:
        "Config admin: the whitelist the token map gives at today's Config price × ERG/USD rate, and the unsigned Config update setting it",
      auth: auth.provider,
      response: whitelistProposalSchema,
      errors: [403, 503],
      handle: ({ principal }) => service.whitelistProposal(principal.address),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/bridge/withdrawals/quote",
      tag,
      summary:
        "Withdraw GPUC to another chain: swap out for a whitelisted stable and lock it at Rosen's lock address; " +
        "the fees, what arrives and the unsigned EIP-12 transaction",
      auth: auth.provider,
      body: withdrawRequest,
      response: withdrawQuoteSchema,
      errors: [404, 422, 503],
      handle: ({ principal, body }) => service.withdraw(principal.address, body),
    }),
  ];
}
