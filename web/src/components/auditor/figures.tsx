import type { ProtocolTotals } from "@gpuc/sdk";
import { groupedGpuc } from "./grouped.ts";

/** The protocol's headline figures, one card each. */
export function Figures({ totals }: { totals: ProtocolTotals }) {
  const figures: readonly (readonly [string, string, string?])[] = [
    ["GPUC supply", groupedGpuc(totals.gpucSupply), "minted into the Bank at deployment"],
    ["In the Bank", groupedGpuc(totals.bankGpuc), "not yet issued"],
    ["Outside the Bank", groupedGpuc(totals.outsideBank)],
    ["Σ debts", groupedGpuc(totals.debts), count(totals.accounts, "credit account")],
    ["Swap issuance", groupedGpuc(totals.swapIssued), "net, from Bank swaps"],
    ["Escrowed", groupedGpuc(totals.escrowedGpuc), count(totals.escrows, "rental escrow")],
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

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
