import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { DaysTable } from "../components/auditor/days-table.tsx";
import { Figures } from "../components/auditor/figures.tsx";
import { GrafanaLinks } from "../components/auditor/grafana-links.tsx";
import { Invariant } from "../components/auditor/invariant.tsx";
import { Loading, QueryView } from "../components/status.tsx";
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
      <QueryView query={totals} what="the protocol totals">
        {(data) => (
          <>
            <p className="muted" data-testid="height">
              At block {data.height ?? "— (nothing indexed yet)"}; refreshed every {REFRESH_MS / 1000} s.
            </p>
            <Invariant totals={data} />
            <Figures totals={data} />
            <section aria-labelledby="days-title">
              <h2 id="days-title">Claims and fees per day</h2>
              {data.days.length > 0 && (
                <Suspense fallback={<Loading what="the chart" />}>
                  <DaysChart days={data.days} />
                </Suspense>
              )}
              <DaysTable days={data.days} />
            </section>
          </>
        )}
      </QueryView>
      <GrafanaLinks />
    </>
  );
}
