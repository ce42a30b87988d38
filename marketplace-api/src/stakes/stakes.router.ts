import {
  createStakeRequest,
  earningsSchema,
  executorStatusSchema,
  ownStakeSchema,
  providerIdParams,
  stakeStateSchema,
  stakeTxSchema,
  topUpStakeRequest,
} from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { EarningsService } from "./earnings.service.ts";
import type { StakesService } from "./stakes.service.ts";

const SIGN = "the unsigned transaction (sign it, then POST /api/v1/transactions) and the stake after it";

/** The provider dashboard: stake state and actions, earnings, the executor's status. */
export function stakesRoutes(stakes: StakesService, earnings: EarningsService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/stake",
      tag: "providers",
      summary:
        "A provider's stake on chain: nanoERG, bonded or unbonding (and from which height it is withdrawable), the listing hash, the minimum stake per GPU and what its listing needs",
      params: providerIdParams,
      response: stakeStateSchema,
      errors: [404],
      handle: ({ params }) => stakes.state(params.providerId),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/earnings",
      tag: "providers",
      summary:
        "Your provider's earnings from the indexed escrows: GPUC per UTC day and every payout (claim or close) with its transaction",
      auth: "read",
      params: providerIdParams,
      response: earningsSchema,
      errors: [404],
      handle: ({ principal, params }) => earnings.earnings(principal, params.providerId),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/executor",
      tag: "providers",
      summary:
        "A provider's executor: online, last heartbeat, endpoint, reliability, and uptime per day from its heartbeats",
      params: providerIdParams,
      response: executorStatusSchema,
      errors: [404],
      handle: ({ params }) => earnings.executor(params.providerId),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/wallet/stake",
      tag: "providers",
      summary:
        "Your own Provider Stake box (also before you list): nanoERG, bonded or unbonding, its listing hash, the minimum stake per GPU; 404 saying how to create one",
      auth: "read",
      response: ownStakeSchema,
      errors: [404],
      handle: ({ principal }) => stakes.own(principal),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/stake/create",
      tag: "providers",
      summary: `Stake \`amount\` nanoERG behind \`listing\` (a new bonded Provider Stake box, R5 = the listing's hash): ${SIGN}`,
      auth: "provider",
      body: createStakeRequest,
      response: stakeTxSchema,
      errors: [409, 422, 503],
      handle: ({ principal, body }) => stakes.create(principal, body.amount, body.listing),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/stake/top-up",
      tag: "providers",
      summary: `Add \`amount\` nanoERG to your stake (and point it at a new \`listing\`): ${SIGN}`,
      auth: "provider",
      body: topUpStakeRequest,
      response: stakeTxSchema,
      errors: [404, 422, 503],
      handle: ({ principal, body }) => stakes.topUp(principal, body.amount, body.listing),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/stake/unbond",
      tag: "providers",
      summary: `Start unbonding your stake (its GPUs stop being listed): ${SIGN}`,
      auth: "provider",
      response: stakeTxSchema,
      errors: [404, 422, 503],
      handle: ({ principal }) => stakes.unbond(principal),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/wallet/stake/withdraw",
      tag: "providers",
      summary: `Withdraw your whole stake once unbonding has finished (422 with the blocks left before): ${SIGN}`,
      auth: "provider",
      response: stakeTxSchema,
      errors: [404, 422, 503],
      handle: ({ principal }) => stakes.withdraw(principal),
    }),
  ];
}
