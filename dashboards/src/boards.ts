import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The folder of the Grafana boards (`dashboards/grafana`). */
export const GRAFANA_DIR = fileURLToPath(new URL("../grafana", import.meta.url));
/** The Prometheus configuration (`dashboards/prometheus/prometheus.yml`). */
export const PROMETHEUS_CONFIG = fileURLToPath(new URL("../prometheus/prometheus.yml", import.meta.url));

const target = z.object({ refId: z.string(), expr: z.string().min(1) });
const panel = z.object({
  id: z.number(),
  title: z.string(),
  type: z.string(),
  datasource: z.object({ type: z.literal("prometheus"), uid: z.string() }),
  targets: z.array(target).min(1),
});
const board = z.object({
  uid: z.string(),
  title: z.string(),
  schemaVersion: z.number(),
  panels: z.array(panel).min(1),
  templating: z.object({ list: z.array(z.looseObject({ name: z.string(), type: z.string() })) }),
});

export type Board = z.output<typeof board> & { readonly file: string };

/** Every board in a folder (default: this package's `grafana/`), parsed with the part of Grafana's schema used here. */
export function loadBoards(dir: string = GRAFANA_DIR): Board[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ ...board.parse(JSON.parse(readFileSync(join(dir, name), "utf8"))), file: name }));
}

/** Each query of a board with the panel it belongs to. */
export function boardQueries(b: Board): { panel: string; refId: string; expr: string }[] {
  return b.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr })));
}
