// Grafana is not part of the marketplace: production serves it under /grafana on the app's origin (a reverse
// proxy, Grafana with `serve_from_sub_path`), and a build may point elsewhere with VITE_GRAFANA_URL. The boards
// themselves are dashboards/grafana/*.json (uids gpuc-auditor and gpuc-provider), provisioned by docker compose.
const configured: unknown = import.meta.env.VITE_GRAFANA_URL;
export const GRAFANA_URL = (typeof configured === "string" && configured ? configured : "/grafana").replace(
  /\/$/,
  "",
);

const BOARDS = [
  ["gpuc-auditor", "Auditor board: rentals, GPUs online, escrow locked and released, indexer lag"],
  ["gpuc-provider", "Provider board: executors, containers, billed time and claims"],
] as const;

export function GrafanaLinks() {
  return (
    <section aria-labelledby="grafana-title">
      <h2 id="grafana-title">Grafana boards</h2>
      <ul>
        {BOARDS.map(([uid, name]) => (
          <li key={uid}>
            <a href={`${GRAFANA_URL}/d/${uid}`}>{name}</a>
          </li>
        ))}
      </ul>
      <p className="muted">
        The boards read the marketplace's and the executors' Prometheus metrics. They are served at{" "}
        <code>{GRAFANA_URL}</code>; with <code>docker compose up prometheus grafana</code> Grafana is on port
        3000, and the boards' JSON is <code>dashboards/grafana/</code> in the repository, to import anywhere.
      </p>
    </section>
  );
}
