import { isLiquidatable, maxDebt, type ProtocolConfig, requiredCollateral } from "@gpuc/offchain";
import type { CreditHealth } from "@gpuc/sdk";
import { formatAmount } from "@gpuc/sdk";

type Ratios = Pick<ProtocolConfig, "price" | "collateralRatioPct" | "liquidationRatioPct">;

// As in offchain's health.ts: collateral value in GPUC units = collateral × 10^6 / price, and a percentage of it
// against debt brings another 10^2.
const SCALE = 100_000_000n;

/**
 * The health of an account holding `collateral` nanoERG against `debt` GPUC units, at the Config's price and
 * ratios, computed with the contract's own integer rules (offchain's `maxDebt`, `requiredCollateral`).
 */
export function creditHealth(collateral: bigint, debt: bigint, config: Ratios): CreditHealth {
  const most = maxDebt(collateral, config);
  const keep = requiredCollateral(debt, config);
  return {
    collateral: collateral.toString(),
    debt: debt.toString(),
    ratioPct: debt > 0n ? formatAmount((collateral * SCALE * 100n) / (debt * config.price), 2) : null,
    // Liquidatable once collateral × 10^8 < debt × liquidationPct × price.
    liquidationPrice:
      debt > 0n ? ((collateral * SCALE) / (debt * BigInt(config.liquidationRatioPct))).toString() : null,
    maxDrawable: (most > debt ? most - debt : 0n).toString(),
    withdrawable: (collateral > keep ? collateral - keep : 0n).toString(),
    liquidatable: debt > 0n && isLiquidatable(collateral, debt, config),
  };
}
