import type { CreditHealth } from "@gpuc/sdk";
import { formatErg, formatGpuc } from "../../lib/format.ts";

/** "250.5 %", or what a ratio means without debt. */
function ratio(health: CreditHealth): string {
  return health.ratioPct === null ? "no debt" : `${health.ratioPct} %`;
}

function liquidation(health: CreditHealth): string {
  return health.liquidationPrice === null
    ? "none (no debt)"
    : `${formatErg(health.liquidationPrice)} per GPUC`;
}

const ROWS: readonly (readonly [string, (health: CreditHealth) => string])[] = [
  ["Collateral", (health) => formatErg(health.collateral)],
  ["Debt", (health) => formatGpuc(health.debt)],
  ["Collateral ratio", ratio],
  ["Liquidation price", liquidation],
  ["Max drawable", (health) => formatGpuc(health.maxDrawable)],
  ["Withdrawable", (health) => formatErg(health.withdrawable)],
  ["Liquidatable", (health) => (health.liquidatable ? "yes — add collateral or repay" : "no")],
];

/**
 * An account's health, now and (when given) after the action being reviewed, side by side: what changes is read
 * across one row, before anything is signed.
 */
export function HealthTable({
  now,
  after,
  afterLabel,
  testId,
}: {
  now?: CreditHealth;
  after?: CreditHealth;
  afterLabel?: string;
  testId?: string;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId} className="health">
        <thead>
          <tr>
            <th scope="col">Health</th>
            {now && <th scope="col">Now</th>}
            {after && <th scope="col">{afterLabel ?? "After"}</th>}
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([label, show]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {now && <td className={cellClass(label, now)}>{show(now)}</td>}
              {after && <td className={cellClass(label, after)}>{show(after)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cellClass(label: string, health: CreditHealth): string | undefined {
  return label === "Liquidatable" && health.liquidatable ? "bad" : undefined;
}
