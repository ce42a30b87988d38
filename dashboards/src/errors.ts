/** Base of the dashboards package's errors. */
export class DashboardsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The `prometheus` binary is not on the PATH. */
export class PrometheusNotInstalledError extends DashboardsError {
  constructor(readonly binary: string) {
    super(
      `${binary} was not found; run \`bash scripts/services.sh prometheus\` (Debian's prometheus package)`,
    );
  }
}

/** Prometheus exited or did not become ready in time. */
export class PrometheusStartError extends DashboardsError {
  constructor(
    readonly reason: string,
    readonly output: string,
  ) {
    super(`Prometheus did not start (${reason}); its last output:\n${output}`);
  }
}

/** Prometheus answered a query with an error (e.g. a PromQL syntax error). */
export class PrometheusQueryError extends DashboardsError {
  constructor(
    readonly expr: string,
    readonly detail: string,
  ) {
    super(`Prometheus refused the query ${expr}: ${detail}`);
  }
}
