import type { ProtocolTotals } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { DaysTable } from "../components/auditor/days-table.tsx";
import { Figures } from "../components/auditor/figures.tsx";
import { GrafanaLinks } from "../components/auditor/grafana-links.tsx";
import { Invariant } from "../components/auditor/invariant.tsx";
import { ReceiptReconciliation } from "../components/auditor/receipt-mismatches.tsx";
import { describeError, ErrorNote, Loading } from "../components/status.tsx";
import { market } from "../lib/api.ts";

// uPlot comes with the chart only, after the figures are on screen.
const DaysChart = lazy(() => import("../components/auditor/days-chart.tsx"));

const REFRESH_MS = 10_000;

/** The auditor's view, public: the protocol's totals from the chain index, the LETS invariant checked live. */
export default function AuditorPage() {
  const totals = useQuery({
    queryKey: ["protocol-totals"],
    queryFn: ({ signal }) => market.protocolTotals({ signal }),
    refetchInterval: REFRESH_MS,
  });
  return (
    <>
      <h1>Auditor</h1>
      {totals.data ? (
        <Totals totals={totals.data} stale={totals.error} />
      ) : totals.isPending ? (
        <Loading what="the protocol totals" />
      ) : (
        <ErrorNote error={totals.error} retry={() => totals.refetch()} />
      )}
      <ReceiptReconciliation refreshMs={REFRESH_MS} />
      <GrafanaLinks />
    </>
  );
}

/** The figures; a refresh that failed keeps the last ones on screen, saying they are not current. */
function Totals({ totals, stale }: { totals: ProtocolTotals; stale?: unknown }) {
  return (
    <>
      <p className="muted" data-testid="height">
        At block {totals.height ?? "— (nothing indexed yet)"}; refreshed every {REFRESH_MS / 1000} s.
      </p>
      {stale ? (
        <div className="error" role="alert">
          <p>
            Could not refresh ({describeError(stale)}); these figures are from block {totals.height ?? "—"}.
          </p>
        </div>
      ) : null}
      <Invariant totals={totals} />
      <Figures totals={totals} />
      <section aria-labelledby="days-title">
        <h2 id="days-title">Claims and fees per day</h2>
        {totals.days.length > 0 && (
          <Suspense fallback={<Loading what="the chart" />}>
            <DaysChart days={totals.days} />
          </Suspense>
        )}
        <DaysTable days={totals.days} />
      </section>
    </>
  );
}
