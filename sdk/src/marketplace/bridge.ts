import * as z from "zod";
import { pageOf } from "./common.ts";
import { unsignedTxSchema } from "./transactions.ts";

// The Rosen Bridge routes (/api/v1/bridge/*): the token map's tokens with swap eligibility, bridged deposits,
// their confirmations as server-sent events, swaps of a bridged stable into GPUC and withdrawals out by lock box.
// Amounts are strings: `…Units` whole units of the token, the others decimals in the token's own decimals.

const units = z.string().regex(/^\d+$/, "must be a whole number of units");
const decimalText = z
  .string()
  .trim()
  .regex(/^\d{1,18}(\.\d{1,18})?$/, "must be a decimal number, e.g. 25.5");

/** One token of the bridge's token map, as it exists on Ergo. */
export const bridgeTokenSchema = z.object({
  tokenId: z.string().describe("Ergo token id (`erg` for ERG)"),
  name: z.string(),
  decimals: z.number().int(),
  residency: z.enum(["native", "wrapped"]).describe("wrapped: an rs-token minted by Rosen's guards"),
  originChain: z.string(),
  chains: z.array(z.string()).describe("the other chains this token set reaches"),
  usdPegged: z.boolean(),
  significantDecimals: z.number().int().describe("decimals of Rosen's wrapped amounts (fees)"),
  swappable: z.boolean().describe("the Bank swaps it into GPUC (USD-pegged and on the Config whitelist)"),
  rate: units.optional().describe("GPUC units per token unit (Config whitelist)"),
  reason: z.string().optional().describe("why it cannot be swapped"),
});
export type BridgeToken = z.infer<typeof bridgeTokenSchema>;

/** What to lock on a source chain to receive a token on Ergo. */
export const bridgeInRouteSchema = z.object({
  fromChain: z.string(),
  lock: z.object({ tokenId: z.string(), name: z.string(), decimals: z.number().int() }),
  receive: z.object({ tokenId: z.string(), name: z.string(), swappable: z.boolean() }),
});

export const bridgeTokensSchema = z.object({
  mapVersion: z.string(),
  network: z.string(),
  lockAddress: z.string().describe("Rosen's lock address on Ergo"),
  rosenAppUrl: z.url(),
  tokens: z.array(bridgeTokenSchema),
});
export type BridgeTokens = z.infer<typeof bridgeTokensSchema>;

export const bridgeInSchema = z.object({
  toAddress: z.string().describe("the Ergo address to name in Rosen's app: the signed-in wallet's (P2PK)"),
  rosenAppUrl: z.url(),
  chains: z.array(z.object({ chain: z.string(), routes: z.array(bridgeInRouteSchema) })),
});
export type BridgeIn = z.infer<typeof bridgeInSchema>;

export const depositSchema = z.object({
  txId: z.string(),
  address: z.string(),
  tokenId: z.string(),
  tokenName: z.string(),
  amountUnits: units,
  amount: z.string().describe("in the token's decimals"),
  inclusionHeight: z.number().int(),
  confirmations: z.number().int(),
  confirmed: z.boolean(),
  seenAt: z.string(),
  confirmedAt: z.string().nullable(),
});
export type Deposit = z.infer<typeof depositSchema>;
export const depositPage = pageOf(depositSchema);
export const depositListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DepositListQuery = z.output<typeof depositListQuery>;

export const bridgeSwapRequest = z.object({
  token: z.string().min(1).max(80).describe("Ergo token id or name (e.g. rsUSDT)"),
  amount: decimalText.describe("of the token, in its decimals"),
});
export type BridgeSwapRequest = z.infer<typeof bridgeSwapRequest>;

export const bridgeSwapSchema = z.object({
  tokenId: z.string(),
  tokenName: z.string(),
  amountUnits: units,
  gpucUnits: units,
  gpuc: z.string(),
  rate: units,
  unsignedTx: unsignedTxSchema,
});
export type BridgeSwap = z.infer<typeof bridgeSwapSchema>;

export const withdrawRequest = z.object({
  gpuc: decimalText.describe("GPUC to turn into the stable and send"),
  token: z.string().min(1).max(80).describe("the whitelisted stable to send (Ergo id or name)"),
  toChain: z.string().min(1).max(40),
  toAddress: z.string().min(1).max(200),
  bridgeFee: units.optional().describe("wrapped units; default: Rosen's minimum"),
  networkFee: units.optional().describe("wrapped units; default: Rosen's minimum"),
});
export type WithdrawRequest = z.infer<typeof withdrawRequest>;

const tokenAmount = z.object({ units, amount: z.string(), token: z.string() });

export const withdrawQuoteSchema = z.object({
  gpucUnits: units,
  tokenId: z.string(),
  swappedOut: tokenAmount.describe("what the Bank pays for the GPUC"),
  locked: tokenAmount.describe("what the lock box holds"),
  bridgeFee: tokenAmount.describe("wrapped units"),
  networkFee: tokenAmount.describe("wrapped units"),
  arrives: tokenAmount.describe("on the destination chain, in its decimals"),
  toChain: z.string(),
  toAddress: z.string(),
  lockAddress: z.string(),
  minFeeBoxId: z.string(),
  unsignedTx: unsignedTxSchema,
});
export type WithdrawQuote = z.infer<typeof withdrawQuoteSchema>;

/** The Config whitelist the token map gives at today's prices, and the admin's unsigned Config update to sign. */
export const whitelistProposalSchema = z.object({
  nanoErgPerUsd: units.describe("the ERG/USD oracle pool rate it is priced at"),
  priceNanoErgPerGpuc: units,
  current: z.array(z.object({ tokenId: z.string(), name: z.string().nullable(), rate: units })),
  proposed: z.array(z.object({ tokenId: z.string(), name: z.string().nullable(), rate: units })),
  unchanged: z.boolean(),
  admin: z.string().describe("the Config admin (R7) who must sign"),
  unsignedTx: unsignedTxSchema.nullable().describe("null when unchanged"),
});
export type WhitelistProposal = z.infer<typeof whitelistProposalSchema>;
