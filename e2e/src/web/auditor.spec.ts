import { rentGpu, waitUntil } from "@gpuc/cli";
import { GPUC_UNIT, type ProtocolTotals } from "@gpuc/sdk";
import { screenshots, seriousViolations } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundAlice, listBob, startWebWorld, type WebWorld } from "./world.ts";

// The green of `--ok` in styles.css: the colour says it too, beside the words.
const OK_GREEN = "rgb(17, 107, 47)";
const BAD_RED = "rgb(163, 22, 26)";
const TOTALS = "**/api/v1/protocol/totals";
const colour = "getComputedStyle(document.querySelector('[data-testid=invariant]')).color";

/**
 * The auditor view in Chromium, public (no wallet): after Alice drew GPUC against ERG and rented Bob's GPU (its
 * escrow on chain, the executor claiming hourly), the page shows the LETS invariant holding — in words and in
 * green — with the debts, the escrow and the day's claims the marketplace reports, and refreshes by itself.
 */
describe("the web app: the auditor view (Chromium, devnet, Docker)", () => {
  let world: WebWorld;
  let page: Page;
  let totals: ProtocolTotals;

  beforeAll(async () => {
    world = await startWebWorld();
    await fundAlice(world);
    const gpuId = await listBob(world);
    await rentGpu(
      world.alice,
      { gpuId, hours: 6, image: "gpuc/busybox:test", cmd: ["sh", "-c", "sleep 600"] },
      { untilRunning: true },
    );
    // A billing hour is 24 blocks here: the executor's first claim comes within seconds.
    totals = await waitUntil(
      "a claim indexed",
      () => world.alice.market.protocolTotals(),
      (current) => current.days.some((day) => day.claims > 0),
      (current) => `claims: ${current.days.map((day) => day.claims).join(",") || "none"}`,
      { timeoutMs: 120_000, pollMs: 1_000 },
    );
    page = await world.page();
  }, 420_000);
  afterAll(() => world?.stop(), 60_000);

  it("shows the invariant holding, in words and in green, after a draw and a rental", async () => {
    await page.goto(`${world.url}/auditor`);
    const invariant = page.getByTestId("invariant");
    await invariant.waitFor();
    expect(await invariant.getByRole("heading").textContent()).toBe("✓ The LETS invariant holds");
    // A string: it runs in the page, whose DOM types this Node project does not load.
    expect(await page.evaluate(colour)).toBe(OK_GREEN);
    expect(totals.invariant.holds).toBe(true);
    const figures = (await page.getByTestId("figures").textContent()) ?? "";
    expect(figures).toMatch(/Σ debts10 GPUC1 credit account(?!s)/);
    expect(figures).toMatch(/Escrowed[\d.]+ GPUC1 rental escrow(?!s)/);
    expect(BigInt(totals.escrowedGpuc)).toBeGreaterThan(0n);
    expect(BigInt(totals.debts)).toBe(10n * GPUC_UNIT);
  });

  it("lists the claims and fees per day, with the chart", async () => {
    const days = page.getByTestId("days");
    await days.waitFor();
    expect(await days.locator("tbody tr").count()).toBeGreaterThanOrEqual(1);
    expect(await days.locator("tbody tr").first().locator("td").nth(1).textContent()).toMatch(/^[1-9]\d*$/);
    await page.locator(".chart canvas").waitFor();
    expect(await page.getByRole("link", { name: /^Auditor board/ }).getAttribute("href")).toBe(
      "/grafana/d/gpuc-auditor",
    );
  });

  it("refreshes by itself as blocks are indexed, and has no serious accessibility violation", async () => {
    const height = page.getByTestId("height");
    const first = await height.textContent();
    await expect.poll(() => height.textContent(), { timeout: 25_000, interval: 1_000 }).not.toBe(first);
    await screenshots(page, "auditor-live");
    expect(await seriousViolations(page)).toEqual([]);
    expect(world.browserErrors.filter((line) => !line.includes("Failed to load resource"))).toEqual([]);
  }, 40_000);

  it("shows a broken invariant in red and in words, naming the part that fails", async () => {
    // The devnet keeps it holding, so the marketplace's answer is rewritten on its way to the page.
    const broken = {
      ...totals,
      unexplained: "5000000",
      invariant: { holds: false, conserved: true, backed: false },
    };
    await page.route(TOTALS, (route) => route.fulfill({ json: broken }));
    await page.reload();
    const invariant = page.getByTestId("invariant");
    await invariant.getByRole("heading", { name: "The LETS invariant is broken" }).waitFor();
    expect(await page.evaluate(colour)).toBe(BAD_RED);
    expect(await invariant.textContent()).toContain("Not backed: Σ debts 10 GPUC");
    expect(await invariant.textContent()).toContain("unexplained 5 GPUC");
    await page.locator(".chart canvas").waitFor();
    await screenshots(page, "auditor-broken");
    expect(await seriousViolations(page)).toEqual([]);
  }, 30_000);

  it("keeps the last figures when a refresh fails, and says so; a first load that fails offers a retry", async () => {
    await page.unroute(TOTALS);
    await page.route(TOTALS, (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        json: {
          type: "about:blank",
          title: "Service Unavailable",
          status: 503,
          detail: "The index is catching up",
        },
      }),
    );
    await page.getByRole("alert").filter({ hasText: "Could not refresh" }).waitFor({ timeout: 25_000 });
    expect(await page.getByTestId("invariant").count()).toBe(1);
    await page.reload();
    await page.getByRole("button", { name: "Try again" }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("alert").textContent()).toContain("The index is catching up");
    await page.unroute(TOTALS);
    await page.getByRole("button", { name: "Try again" }).click();
    await page
      .getByTestId("invariant")
      .getByRole("heading", { name: /holds$/ })
      .waitFor();
  }, 60_000);
});
