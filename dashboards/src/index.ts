// The public surface of @gpuc/dashboards: the boards and Prometheus configuration as data, and the helpers that
// check them against the metrics the marketplace and executors expose.
export { type Board, boardQueries, GRAFANA_DIR, loadBoards, PROMETHEUS_CONFIG } from "./boards.ts";
export {
  DashboardsError,
  PrometheusNotInstalledError,
  PrometheusQueryError,
  PrometheusStartError,
} from "./errors.ts";
export { exposedMetricNames } from "./exposition.ts";
export {
  freePort,
  type PrometheusOptions,
  type RunningPrometheus,
  type Sample,
  startPrometheus,
} from "./prometheus.ts";
export { type GrafanaVariables, metricNames, withVariables } from "./promql.ts";
