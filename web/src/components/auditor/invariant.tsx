import type { ProtocolTotals } from "@gpuc/sdk";
import { formatGpuc } from "../../lib/format.ts";

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
          {conserved ? "Conserved" : "Not conserved"}: {formatGpuc(totals.indexedGpuc)} in unspent boxes of{" "}
          {formatGpuc(totals.gpucSupply)} minted.
        </li>
        <li>
          {backed ? "Backed" : "Not backed"}: Σ debts {formatGpuc(totals.debts)} = outside the Bank{" "}
          {formatGpuc(totals.outsideBank)} − swap issuance {formatGpuc(totals.swapIssued)}; unexplained{" "}
          {formatGpuc(totals.unexplained)}.
        </li>
      </ul>
    </section>
  );
}
