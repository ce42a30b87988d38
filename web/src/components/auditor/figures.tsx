import type { ProtocolTotals } from "@gpuc/sdk";
import { formatGpuc } from "../../lib/format.ts";

/** The protocol's headline figures, one card each. */
export function Figures({ totals }: { totals: ProtocolTotals }) {
  const figures: readonly (readonly [string, string, string?])[] = [
    ["GPUC supply", formatGpuc(totals.gpucSupply), "minted into the Bank at deployment"],
    ["In the Bank", formatGpuc(totals.bankGpuc), "not yet issued"],
    ["Outside the Bank", formatGpuc(totals.outsideBank)],
    ["Σ debts", formatGpuc(totals.debts), `${totals.accounts} credit accounts`],
    ["Swap issuance", formatGpuc(totals.swapIssued), "net, from Bank swaps"],
    ["Escrowed", formatGpuc(totals.escrowedGpuc), `${totals.escrows} rental escrows`],
    ["Open disputes", String(totals.openDisputes)],
  ];
  return (
    <section aria-labelledby="figures-title">
      <h2 id="figures-title">Totals</h2>
      <dl className="cards" data-testid="figures">
        {figures.map(([label, value, note]) => (
          <div className="card" key={label}>
            <dt>{label}</dt>
            <dd className="value">{value}</dd>
            {note && <dd className="muted">{note}</dd>}
          </div>
        ))}
      </dl>
    </section>
  );
}
