import { rentGpu, stopInstance } from "@gpuc/cli";
import { parseConfigBox } from "@gpuc/offchain";
import { formatAmount, NANOERG } from "@gpuc/sdk";
import { screenshots, seriousViolations, type TestWallet } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundAlice, startWebWorld, type WebWorld } from "./world.ts";

/**
 * The provider's side in Chromium: Bob stakes and lists a GPU from the dashboard (the listing hash signed into his
 * stake box by his wallet), creates his executor's key, sees his executor online (npm start's launcher starts it
 * once he is registered), and, after Alice rents, a claim in his earnings with its transaction.
 */
describe("the web app: a provider lists from the dashboard (Chromium, devnet, Docker)", () => {
  let world: WebWorld;
  let wallet: TestWallet;
  let page: Page;

  beforeAll(async () => {
    world = await startWebWorld();
    await fundAlice(world);
    wallet = world.walletOf(world.test.system.keys.bob);
    page = await world.page(wallet);
  }, 300_000);
  afterAll(() => world?.stop(), 60_000);

  it("stakes and lists a GPU: one wallet signature, then the marketplace registers the listing", async () => {
    const { chain } = world.bob;
    const config = parseConfigBox(await chain.configBox(), world.test.system.deployment.configNftId);
    const stake = formatAmount(config.minStakePerGpu + NANOERG, 9);
    await page.goto(`${world.url}/provider`);
    await page.getByRole("button", { name: "Connect Nautilus" }).first().click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Stake (ERG)").fill(stake);
    await page.getByRole("button", { name: "Stake and list" }).click();
    await expect
      .poll(
        () =>
          page
            .getByTestId("action-done")
            .textContent()
            .catch(() => ""),
        { timeout: 120_000 },
      )
      .toContain("Listed: 1 × RTX 4090");
    expect(wallet.calls.filter((call) => call.method === "sign_tx")).toEqual([
      { method: "sign_tx", outcome: "ok" },
    ]);
    const [provider] = await world.bob.market.myProviders();
    expect(provider?.listed).toBe(true);
    expect(await page.getByTestId("stake").textContent()).toContain(`${stake} ERG`);
  }, 180_000);

  it("creates the executor's API key, shown once", async () => {
    await page.getByRole("button", { name: "Create an executor key" }).click();
    expect(await page.getByTestId("api-key").textContent()).toMatch(/^gpuc_/);
  });

  it("shows the executor online once it runs", async () => {
    await expect
      .poll(() => page.getByTestId("executor-online").textContent(), { timeout: 90_000 })
      .toBe("Online");
  }, 120_000);

  it("shows a claim in earnings after Alice rents, with its transaction", async () => {
    const [provider] = await world.bob.market.myProviders();
    const { items } = await world.alice.market.searchGpus({ available: true });
    const offer = items.find((item) => item.providerId === provider!.id)!;
    const instance = await rentGpu(
      world.alice,
      { gpuId: offer.id, hours: 3, image: "gpuc/busybox:test", cmd: ["sh", "-c", "sleep 600"] },
      { untilRunning: true },
    );
    await expect
      .poll(
        () =>
          page
            .getByTestId("payouts")
            .locator("tbody tr")
            .count()
            .catch(() => 0),
        {
          timeout: 120_000,
          interval: 1_000,
        },
      )
      .toBeGreaterThan(0);
    const earnings = await world.bob.market.providerEarnings(provider!.id);
    expect(earnings.payouts[0]?.kind).toBe("claim");
    expect(await page.getByTestId("payouts").textContent()).toContain(earnings.payouts[0]!.txId.slice(0, 6));
    await screenshots(page, "provider-dashboard");
    expect(await seriousViolations(page)).toEqual([]);
    await stopInstance(world.alice, instance.id, { wait: true });
  }, 240_000);
});
