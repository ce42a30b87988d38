import type { ProtocolTotals } from "@gpuc/sdk";
import { groupedGpuc } from "./grouped.ts";

/**
 * The LETS invariant, said in words as well as colour: every GPUC minted is accounted for (conserved), and every
 * GPUC outside the Bank is backed by a debt or a swap (backed).
 */
export function Invariant({ totals }: { totals: ProtocolTotals }) {
  const { holds, conserved, backed } = totals.invariant;
  return (
    <section
      aria-labelledby="invariant-title"
      className={`invariant ${holds ? "holds" : "broken"}`}
      data-testid="invariant"
    >
      <h2 id="invariant-title">
        <span aria-hidden="true">{holds ? "✓ " : "✗ "}</span>
        {/* Announced when it flips, not at every refresh: the figures below change each time. */}
        <span aria-live="polite">The LETS invariant {holds ? "holds" : "is broken"}</span>
      </h2>
      <ul>
        <li>
          {conserved ? "Conserved" : "Not conserved"}: {groupedGpuc(totals.indexedGpuc)} in unspent boxes of{" "}
          {groupedGpuc(totals.gpucSupply)} minted.
        </li>
        <li>
          {backed ? "Backed" : "Not backed"}: Σ debts {groupedGpuc(totals.debts)} = outside the Bank{" "}
          {groupedGpuc(totals.outsideBank)} − swap issuance {groupedGpuc(totals.swapIssued)}; unexplained{" "}
          {groupedGpuc(totals.unexplained)}.
        </li>
      </ul>
    </section>
  );
}
