import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadExecutorConfig, type RunningExecutor, startExecutor } from "@gpuc/executor";
import { defaultConfig, type RunningMarketplace, startMarketplace } from "@gpuc/marketplace-api";
import { OnrampMetrics } from "@gpuc/onramp";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Board, boardQueries, loadBoards, PROMETHEUS_CONFIG } from "./boards.ts";
import { exposedMetricNames } from "./exposition.ts";
import { type RunningPrometheus, type Sample, startPrometheus } from "./prometheus.ts";
import { metricNames, withVariables } from "./promql.ts";

const run = promisify(execFile);
const GPU_FIXTURE = fileURLToPath(new URL("./fixtures/8xH100-80GB-HBM3.recorded.csv", import.meta.url));
const quiet = (component: string) => createLogger(component, { level: "error" });

async function metricsText(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The query of the panel titled `title` (its refId `A` unless named). */
function queryOf(board: Board, title: string, refId = "A"): string {
  const found = boardQueries(board).find((q) => q.panel === title && q.refId === refId);
  if (!found) throw new Error(`no panel "${title}" (${refId}) in ${board.file}`);
  return withVariables(found.expr, { interval: "10s" });
}

describe("PromQL helpers", () => {
  it("Should find metric names, not functions, labels, grouping or keywords", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{job=~"$job",x="y z"}[$__rate_interval]))) / on (job) group_left b_total offset 5m and bool c',
      ).sort(),
    ).toEqual(["a_bucket", "b_total", "c"]);
  });

  it("Should expand histogram families and keep families that have no sample yet", () => {
    const names = exposedMetricNames(
      '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\n# HELP g x\n# TYPE g gauge\n',
    );
    expect([...names].sort()).toEqual(["g", "h", "h_bucket", "h_count", "h_sum"]);
  });
});

describe("Dashboards against the real marketplace, executor and Prometheus", () => {
  let marketDb: TestDatabase;
  let executorDb: TestDatabase;
  let market: RunningMarketplace;
  let executor: RunningExecutor;
  let prometheus: RunningPrometheus | undefined;
  let temp: string;
  const boards = loadBoards();
  const board = (uid: string) => boards.find((b) => b.uid === uid)!;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), "gpuc-dashboards-"));
    marketDb = await createTestDatabase("dashboards_market");
    executorDb = await createTestDatabase("dashboards_executor");
    market = await startMarketplace(
      defaultConfig({ port: 0, host: "127.0.0.1", databaseUrl: marketDb.url }),
      { log: quiet("marketplace-api") },
    );
    // An executor the marketplace does not know: its heartbeats are refused (401), which the boards show.
    executor = await startExecutor(
      loadExecutorConfig({
        GPUC_PROVIDER_ID: randomUUID(),
        GPUC_API_KEY: "gpuc_unknown_dashboards_key",
        GPUC_PROVIDER_SECRET_KEY: `01${randomBytes(31).toString("hex")}`,
        GPUC_MARKETPLACE_URL: market.url,
        DATABASE_URL: executorDb.url,
        GPUC_GPUS: `recorded:${GPU_FIXTURE}`,
        GPUC_HTTP_HOST: "127.0.0.1",
        GPUC_HTTP_PORT: "0",
        GPUC_HEARTBEAT_SECONDS: "1",
        GPUC_TICK_SECONDS: "1",
        GPUC_POLL_SECONDS: "1",
      }),
      { log: quiet("executor") },
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await executor?.stop();
    await market?.stop();
    await executorDb?.drop();
    await marketDb?.drop();
    rmSync(temp, { recursive: true, force: true });
  });

  it("Should name in every board expression only metrics the executor and marketplace expose", async () => {
    // The on-ramp's families are on the marketplace's registry when it runs one (STRIPE_SECRET_KEY set).
    const onramp = new Registry();
    new OnrampMetrics(onramp);
    const exposed = new Set([
      ...exposedMetricNames(await onramp.metrics()),
      ...exposedMetricNames(await metricsText(market.url)),
      ...exposedMetricNames(await metricsText(executor.url)),
    ]);
    expect(boards.map((b) => b.uid).sort()).toEqual(["gpuc-auditor", "gpuc-provider"]);
    let checked = 0;
    for (const b of boards) {
      expect(b.templating.list.find((v) => v.name === "datasource")?.type).toBe("datasource");
      for (const p of b.panels) expect(p.datasource.uid).toBe(`\${datasource}`);
      for (const { panel, expr } of boardQueries(b)) {
        const names = metricNames(expr);
        expect(names.length, `${b.file} "${panel}": ${expr}`).toBeGreaterThan(0);
        for (const name of names) {
          expect(exposed.has(name), `${b.file} "${panel}" names ${name}, which no registry exposes`).toBe(
            true,
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(exposed.has("gpuc_marketplace_no_such_metric")).toBe(false);
  });

  it("Should have prometheus.yml accepted by promtool, and a broken copy refused", async () => {
    const { stdout } = await run("promtool", ["check", "config", PROMETHEUS_CONFIG]);
    expect(stdout).toContain("SUCCESS");
    const broken = join(temp, "broken.yml");
    writeFileSync(
      broken,
      readFileSync(PROMETHEUS_CONFIG, "utf8").replace("job_name: executor", "job_name: marketplace"),
    );
    await expect(run("promtool", ["check", "config", broken])).rejects.toThrow(
      /found multiple scrape configs/,
    );
  });

  it("Should fire the on-ramp alerts as their promtool unit tests say, and refuse a broken rule", async () => {
    const tests = fileURLToPath(new URL("../prometheus/rules-tests/onramp.test.yml", import.meta.url));
    const { stdout } = await run("promtool", ["test", "rules", tests]);
    expect(stdout).toContain("SUCCESS");
    const rules = fileURLToPath(new URL("../prometheus/rules/onramp.yml", import.meta.url));
    const broken = join(temp, "broken-rules.yml");
    writeFileSync(
      broken,
      readFileSync(rules, "utf8").replace(
        "expr: gpuc_onramp_float_gpuc <",
        "expr: gpuc_onramp_float_gpuc <<",
      ),
    );
    await expect(run("promtool", ["check", "rules", broken])).rejects.toThrow(/parse error/);
  });

  it("Should answer the boards' queries with data from a real Prometheus scraping both", async () => {
    const dir = join(temp, "prometheus");
    mkdirSync(join(dir, "targets"), { recursive: true });
    const original = readFileSync(PROMETHEUS_CONFIG, "utf8");
    const config = original.replace(/scrape_interval: \d+s/, "scrape_interval: 1s");
    expect(config).not.toBe(original);
    writeFileSync(join(dir, "prometheus.yml"), config);
    cpSync(fileURLToPath(new URL("../prometheus/rules", import.meta.url)), join(dir, "rules"), {
      recursive: true,
    });
    writeFileSync(join(dir, "targets", "marketplace.yml"), `- targets: ["${new URL(market.url).host}"]\n`);
    writeFileSync(
      join(dir, "targets", "executor.yml"),
      `- targets: ["${new URL(executor.url).host}"]\n  labels: { provider: test }\n`,
    );
    prometheus = await startPrometheus({
      configFile: join(dir, "prometheus.yml"),
      dataDir: join(dir, "data"),
    });
    const prom = prometheus;
    const up = await prom.waitFor("sum(up)", (s) => s[0]?.value === 2);
    expect(up[0]?.value).toBe(2);

    const auditor = board("gpuc-auditor");
    const provider = board("gpuc-provider");
    // Rate panels need two scrapes of a counter that moved: the refused heartbeats, one a second.
    const refused = await prom.waitFor(queryOf(auditor, "Heartbeat failures"), (s) => (s[0]?.value ?? 0) > 0);
    expect(refused.map((s) => s.metric.result)).toEqual(["refused"]);
    expect(refused[0]?.value).toBeGreaterThan(0);
    // The executor side is scraped separately: wait for its own counter to have moved between two scrapes too.
    const executorFailures = await prom.waitFor(
      queryOf(auditor, "Heartbeat failures", "B"),
      (s) => (s[0]?.value ?? 0) > 0,
    );
    expect(executorFailures[0]?.value).toBeGreaterThan(0);

    const states = await prom.query(queryOf(auditor, "Rentals by state"));
    expect(states.map((s) => s.metric.state).sort()).toContain("Running");
    expect(states).toHaveLength(9);
    const utilisation = await prom.query(queryOf(provider, "GPU utilisation"));
    expect(utilisation).toHaveLength(8);
    expect(utilisation.find((s) => s.metric.gpu === "0")?.value).toBe(100);
    const running = await prom.query(queryOf(provider, "Containers running"));
    expect(running.map((s: Sample) => s.value)).toEqual([0]);

    // Every expression of every board parses and evaluates on the real server (a typo would be a 400).
    for (const b of boards) {
      for (const q of boardQueries(b)) {
        await expect(
          prom.query(withVariables(q.expr, { interval: "10s" })),
          `${b.file} "${q.panel}"`,
        ).resolves.toBeDefined();
      }
    }
  });
});
