/// <reference lib="dom" />
// `npm run bench:web`: the web app in Debian's Chromium over a marketplace holding 10,000 offers. Measures the
// JavaScript the first page ships (gzipped), the first page's time to interactive (offers on screen, the search
// usable), and how long a search result takes to render after its response arrives. Prints one JSON object.

import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createApp, createServices, defaultConfig, migrateMarketplace } from "@gpuc/marketplace-api";
import { seedOffers } from "@gpuc/marketplace-api/testing/seed-offers";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import type { Page } from "playwright-core";
import { ensureWebBuild } from "../build/index.ts";
import { launchChromium } from "../testing/index.ts";

const OFFERS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUDGET = { firstPageJsGzipKb: 250, interactiveMs: 1_000, renderAfterResponseMs: 300 };

interface Figure {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** The figure's median over its budget: ≤ 1 meets it. */
  readonly ratioToBudget: number;
}

function figure(samples: number[], budget: number): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return {
    min: round(sorted[0] ?? 0),
    median: round(median),
    max: round(sorted.at(-1) ?? 0),
    ratioToBudget: round(median / budget, 3),
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The scripts index.html loads at once (entry and modulepreloads), gzipped as a server would send them. */
function firstPageJs(dir: string): { files: string[]; gzipKb: number } {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  const bytes = files.reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(dir, file)), { level: 9 }).length,
    0,
  );
  return { files, gzipKb: round(bytes / 1024) };
}

/** From navigation start to the offer table on screen with the search form enabled. */
async function timeToInteractive(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.getByTestId("offers").locator("tbody tr").first().waitFor();
  await page.getByRole("button", { name: "Search" }).waitFor();
  return page.evaluate(() => performance.now());
}

/** A new search: from its response's last byte to the table showing the new rows. */
async function renderAfterResponse(page: Page, model: string): Promise<number> {
  await page.evaluate(() => {
    const body = document.querySelector("[data-testid=offers] tbody")!;
    const marks = window as unknown as { __rendered?: number };
    marks.__rendered = undefined;
    new MutationObserver((_records, observer) => {
      marks.__rendered = performance.now();
      observer.disconnect();
    }).observe(body, { childList: true, subtree: true, characterData: true });
  });
  await page.getByLabel("Model").fill(model);
  const response = page.waitForResponse((candidate) => candidate.url().includes("/api/v1/gpus?"));
  await page.getByRole("button", { name: "Search" }).click();
  const answered = await response;
  await answered.finished();
  await page.waitForFunction(() => (window as unknown as { __rendered?: number }).__rendered !== undefined);
  return page.evaluate((path) => {
    const entry = performance
      .getEntriesByType("resource")
      .filter((item) => item.name.includes(path))
      .at(-1) as PerformanceResourceTiming;
    return (window as unknown as { __rendered: number }).__rendered - entry.responseEnd;
  }, new URL(answered.url()).pathname + new URL(answered.url()).search);
}

async function main(): Promise<void> {
  const build = await ensureWebBuild();
  const js = firstPageJs(build.dir);
  const database = await createTestDatabase("bench_web");
  const db = new Database(createPool(database.url, { max: 10 }));
  const browser = await launchChromium();
  try {
    await migrateMarketplace(db);
    await seedOffers(db, OFFERS);
    const config = { ...defaultConfig(), webDir: build.dir };
    const server = createApp(
      createServices({ db, config, log: createLogger("bench", { level: "error" }) }),
    ).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const interactive: number[] = [];
    const render: number[] = [];
    const models = ["4090", "3090", "A100", "H100", "L40S"];
    for (let run = 0; run < RUNS; run++) {
      // A fresh context per run: nothing cached, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      interactive.push(await timeToInteractive(page, url));
      render.push(await renderAfterResponse(page, models[run % models.length]!));
      await context.close();
    }
    server.close();
    console.log(
      JSON.stringify(
        {
          benchmark: "web app in Chromium",
          offers: OFFERS,
          runs: RUNS,
          build: { built: build.built, ms: round(build.ms) },
          firstPageJs: {
            ...js,
            budgetKb: BUDGET.firstPageJsGzipKb,
            ratioToBudget: round(js.gzipKb / BUDGET.firstPageJsGzipKb, 3),
          },
          interactiveMs: figure(interactive, BUDGET.interactiveMs),
          renderAfterResponseMs: figure(render, BUDGET.renderAfterResponseMs),
          budgets: BUDGET,
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await db.close();
    await database.drop();
  }
}

await main();
