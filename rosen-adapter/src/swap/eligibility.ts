import type { Amount, Box } from "@fleet-sdk/common";
import { type ProtocolConfig, type StableToken, tokenAmount } from "@gpuc/offchain";
import { type BridgedToken, ERG, type TokenRegistry } from "../tokens/registry.ts";

/** Whether a bridged token swaps into GPUC through the Bank, and if not, why (for the token list). */
export interface SwapEligibility {
  readonly token: BridgedToken;
  readonly swappable: boolean;
  /** GPUC units per token unit (Config R6), when swappable. */
  readonly rate?: bigint;
  readonly reason?: string;
}

/**
 * Every token of the map, with whether the Bank swaps it: a token swaps when the map flags it USD-pegged AND the
 * Config whitelist lists it (the Bank contract checks the latter; the former keeps the bridge flows to the map).
 */
export function swapEligibility(registry: TokenRegistry, config: ProtocolConfig): SwapEligibility[] {
  const listed = new Map(config.whitelist.map((entry) => [entry.tokenId, entry.rate]));
  return registry.tokens().map((token) => {
    const rate = listed.get(token.tokenId);
    if (token.usdPegged && rate !== undefined) return { token, swappable: true, rate };
    return { token, swappable: false, reason: whyNot(token) };
  });
}

function whyNot(token: BridgedToken): string {
  if (token.tokenId === ERG)
    return "ERG is not swapped: open a credit account with it as collateral and draw GPUC (gpuc credit)";
  if (!token.usdPegged)
    return `${token.name} is not a USD-pegged stable: the Bank swaps stables only; trade it for a stable (e.g. on an Ergo DEX) first`;
  return `${token.name} is a USD-pegged stable but not on the Config whitelist yet: the admin proposes it (gpuc bridge whitelist)`;
}

/** What moves a USD price into a GPUC rate: the Config price and the ERG/USD oracle rate. */
export interface GpucUsdPrice {
  /** Config R5: nanoERG per 1 GPUC. */
  readonly priceNanoErgPerGpuc: bigint;
  /** The ERG/USD oracle pool: nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
}

/**
 * GPUC units one unit of a USD-pegged token buys (1 unit = 10^-decimals USD), rounded down:
 * `nanoErgPerUsd × 10^6 / (price × 10^decimals)`. At 1 GPUC = 1 USD, SigUSD (2 decimals) is 10,000.
 */
export function stableRate(token: BridgedToken, price: GpucUsdPrice): bigint {
  return (price.nanoErgPerUsd * 1_000_000n) / (price.priceNanoErgPerGpuc * 10n ** BigInt(token.decimals));
}

/**
 * The whitelist the admin proposes: every USD-pegged token of the map at its current rate. An entry the map no
 * longer flags is dropped, unless the Bank still holds a reserve of it: then it stays at its rate, or the
 * reserve could never be swapped back out (the flows offer it no more either way). A stable whose whole-unit
 * rate would round away more than 1 % of its value (too many decimals for the price) is left out too.
 */
export function proposedWhitelist(
  registry: TokenRegistry,
  config: ProtocolConfig,
  price: GpucUsdPrice,
  bankBox: Box<Amount>,
): StableToken[] {
  const fromMap = registry
    .stables()
    .filter((token) => precise(token, price))
    .map((token) => ({ tokenId: token.tokenId, rate: stableRate(token, price) }));
  const mapped = new Set(fromMap.map((entry) => entry.tokenId));
  const reserved = config.whitelist.filter(
    (entry) => !mapped.has(entry.tokenId) && tokenAmount(bankBox, entry.tokenId) > 0n,
  );
  return [...fromMap, ...reserved];
}

/** Whether the whole-unit rate of `token` loses at most 1 % of the exact one (Config rates are integers). */
export function precise(token: BridgedToken, price: GpucUsdPrice): boolean {
  const exact = price.nanoErgPerUsd * 1_000_000n;
  const per = price.priceNanoErgPerGpuc * 10n ** BigInt(token.decimals);
  const rate = exact / per;
  return rate > 0n && (exact - rate * per) * 100n <= exact;
}
