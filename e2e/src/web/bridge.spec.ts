import { join } from "node:path";
import { runCli } from "@gpuc/cli";
import { GPUC_UNIT } from "@gpuc/sdk";
import { screenshots, seriousViolations, type TestWallet } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundAlice, startWebWorld, type WebWorld } from "./world.ts";

/**
 * The Rosen Bridge flows in Chromium on npm start's devnet bridge (Rosen's real layouts, a devnet token map):
 * Alice sees what to bridge and the address to name, a guard-style rsUSDT payment arrives and the page says so,
 * she swaps it into GPUC signing in her wallet, and withdraws GPUC to Ethereum from the provider dashboard.
 */
describe("the web app: Rosen Bridge in and out (Chromium, devnet)", () => {
  let world: WebWorld;
  let wallet: TestWallet;
  let page: Page;

  beforeAll(async () => {
    world = await startWebWorld({ GPUC_EXECUTOR: "off" });
    await fundAlice(world);
    wallet = world.walletOf(world.test.system.keys.alice);
    page = await world.page(wallet);
  }, 300_000);
  afterAll(() => world?.stop(), 60_000);

  it("shows the Ergo address to name in Rosen's app and which bridged tokens swap into GPUC", async () => {
    await page.goto(`${world.url}/get-gpuc`);
    await page.getByRole("button", { name: "Connect Nautilus" }).first().click();
    await page.getByRole("button", { name: "Sign in" }).first().click();
    await page.getByTestId("bridge-address").waitFor();
    expect(await page.getByTestId("bridge-address").textContent()).toBe(wallet.address);
    expect(await page.getByTestId("bridge-tokens").textContent()).toContain("rsUSDT");
  }, 60_000);

  it("shows a bridged rsUSDT deposit as it confirms, live", async () => {
    const run = await runCli(["bridge", "faucet", "--token", "rsUSDT", "--amount", "50"], {
      env: {
        GPUC_DATA_DIR: world.test.dataDir,
        ERGO_NODE_URL: world.test.system.nodeUrl,
        GPUC_MARKETPLACE_URL: world.url,
        GPUC_WALLET: join(world.test.dataDir, "wallets", "alice.json"),
      },
      stdout: () => undefined,
      stderr: () => undefined,
    });
    expect(run).toBe(0);
    await expect
      .poll(
        () =>
          page
            .getByTestId("deposit-arrived")
            .textContent()
            .catch(() => ""),
        { timeout: 60_000 },
      )
      .toBe("50 rsUSDT arrived and is confirmed.");
    expect(await page.getByTestId("deposits").textContent()).toContain("(confirmed)");
    await screenshots(page, "get-gpuc-bridge");
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);

  it("swaps the rsUSDT into GPUC, signed in the wallet", async () => {
    const before = (await world.alice.chain.balance(wallet.address)).gpuc;
    const swap = page.getByRole("form", { name: "Bank swap" });
    await swap.getByRole("combobox").selectOption({ label: "rsUSDT" });
    await swap.getByLabel(/Amount/).fill("50");
    await swap.getByRole("button", { name: "Review" }).click();
    await page.getByRole("button", { name: "Sign the swap in Nautilus" }).click();
    await expect
      .poll(async () => (await world.alice.chain.balance(wallet.address)).gpuc - before, { timeout: 60_000 })
      .toBeGreaterThan(0n);
  }, 90_000);

  it("withdraws 5 GPUC to Ethereum from the provider dashboard: quote, then one signature", async () => {
    const before = (await world.alice.chain.balance(wallet.address)).gpuc;
    await page.goto(`${world.url}/provider`);
    const form = page.getByRole("form", { name: "Withdraw to another chain" });
    await form.getByLabel("GPUC to withdraw").fill("5");
    await form.getByLabel("To chain").selectOption("ethereum");
    await form.getByLabel("To address").fill("0x9a6bd3e7e8ba2cb41c3b1a1b21c0f2bba6fcf9f8");
    await form.getByRole("button", { name: "Get a quote" }).click();
    const quote = page.getByTestId("withdraw-quote");
    await quote.waitFor();
    expect(await quote.textContent()).toContain("Arrives on ethereum");
    await quote.getByRole("button", { name: "Sign and withdraw" }).click();
    await expect
      .poll(
        () =>
          page
            .getByTestId("withdraw-done")
            .textContent()
            .catch(() => ""),
        { timeout: 60_000 },
      )
      .toMatch(/^Locked .* for Rosen's guards/);
    await expect
      .poll(async () => before - (await world.alice.chain.balance(wallet.address)).gpuc, { timeout: 60_000 })
      .toBe(5n * GPUC_UNIT);
    await screenshots(page, "provider-withdraw");
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);
});
