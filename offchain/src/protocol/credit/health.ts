import type { ProtocolConfig } from "../config.ts";

// Collateral value in GPUC units = collateral × 10^6 / price (price: nanoERG per 1 GPUC = 10^6 units), so
// "collateral covers debt × pct / 100" is collateral × 10^8 ≥ debt × pct × price — the contract's exact test.
const SCALE = 100_000_000n;

/** Whether `collateral` nanoERG covers `debt` GPUC units at `pct` percent and the Config price. */
export function covers(collateral: bigint, debt: bigint, pct: number, price: bigint): boolean {
  return collateral * SCALE >= debt * BigInt(pct) * price;
}

/** The least collateral (nanoERG) that covers `debt` at the collateral ratio. */
export function requiredCollateral(
  debt: bigint,
  config: Pick<ProtocolConfig, "collateralRatioPct" | "price">,
): bigint {
  const needed = debt * BigInt(config.collateralRatioPct) * config.price;
  return (needed + SCALE - 1n) / SCALE;
}

/** The most debt (GPUC units) that `collateral` supports at the collateral ratio. */
export function maxDebt(
  collateral: bigint,
  config: Pick<ProtocolConfig, "collateralRatioPct" | "price">,
): bigint {
  return (collateral * SCALE) / (BigInt(config.collateralRatioPct) * config.price);
}

/** Whether an account may be liquidated: collateral no longer covers debt at the liquidation ratio. */
export function isLiquidatable(
  collateral: bigint,
  debt: bigint,
  config: Pick<ProtocolConfig, "liquidationRatioPct" | "price">,
): boolean {
  return !covers(collateral, debt, config.liquidationRatioPct, config.price);
}

/** The treasury's share of a liquidated account's collateral, rounded as the contract rounds it. */
export function liquidationPenalty(
  collateral: bigint,
  config: Pick<ProtocolConfig, "liquidationPenaltyBps">,
): bigint {
  return (collateral / 10_000n) * BigInt(config.liquidationPenaltyBps);
}
