import type { ReceiptMismatches } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { market } from "../../lib/api.ts";
import { describeError } from "../status.tsx";

/**
 * The reconciliation of every claim and provider close against the usage receipts the providers pushed: one line,
 * 0 expected; otherwise the count by kind and the latest findings (by transaction: the page names no rental).
 */
export function ReceiptReconciliation({ refreshMs }: { refreshMs: number }) {
  const query = useQuery({
    queryKey: ["receipt-mismatches"],
    queryFn: ({ signal }) => market.receiptMismatches({ signal }),
    refetchInterval: refreshMs,
  });
  if (!query.data)
    return (
      <p className="muted" data-testid="receipt-mismatches">
        Receipt reconciliation: {query.error ? `not available (${describeError(query.error)})` : "loading…"}
      </p>
    );
  return <Findings view={query.data} />;
}

function Findings({ view }: { view: ReceiptMismatches }) {
  const kinds = Object.entries(view.counts).filter(([, n]) => n > 0);
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  return (
    <section aria-labelledby="receipts-title" data-testid="receipt-mismatches">
      <h2 id="receipts-title">Usage receipts</h2>
      <p className={total === 0 ? "ok" : "bad"}>
        <span aria-hidden="true">{total === 0 ? "✓ " : "✗ "}</span>
        {total === 0
          ? "Every settlement reconciles with its receipts (0 mismatches)."
          : `${total} mismatch${total === 1 ? "" : "es"} between settlements and receipts: ${kinds
              .map(([kind, n]) => `${kind.replace(/_/g, " ")} ${n}`)
              .join(", ")}.`}
      </p>
      {view.items.length > 0 && (
        <ul>
          {view.items.slice(0, 10).map((item) => (
            <li key={`${item.txId}-${item.kind}-${item.subject}`}>
              <code>{item.txId.slice(0, 12)}</code> {item.kind.replace(/_/g, " ")}: {item.detail}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
