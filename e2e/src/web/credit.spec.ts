import { runCli } from "@gpuc/cli";
import { GPUC_UNIT, NANOERG, parseGpuc } from "@gpuc/sdk";
import { screenshots, seriousViolations, type TestWallet } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebWorld, type WebWorld } from "./world.ts";

/**
 * Wallet & credit in Chromium against the devnet: Alice opens her Credit Account from the page, draws and repays,
 * each time reading the account's health after the action before she signs; the chain agrees with the page, and a
 * draw the builder refuses shows its message with nothing signed.
 */
describe("the web app: a credit account in the browser (Chromium, devnet)", () => {
  let world: WebWorld;
  let wallet: TestWallet;
  let page: Page;
  const axe: Record<string, string[]> = {};

  const check = async (name: string) => {
    await screenshots(page, name);
    axe[name] = await seriousViolations(page);
  };
  const signatures = () => wallet.calls.filter((call) => call.method === "sign_tx");
  const account = () => world.alice.chain.creditAccount(wallet.address);
  const amount = (unit: "ERG" | "GPUC") => page.getByLabel(`Amount (${unit})`);
  const preview = () => page.getByTestId("credit-preview");
  const done = () => page.getByTestId("credit-done").textContent();

  beforeAll(async () => {
    // No rental here: no executor, so the world starts without Docker.
    world = await startWebWorld({ GPUC_EXECUTOR: "off" });
    wallet = world.walletOf(world.test.system.keys.alice);
    page = await world.page(wallet);
  }, 300_000);
  afterAll(() => world?.stop(), 60_000);

  it("asks to connect and sign in, then shows the empty state with an Open form", async () => {
    await page.goto(`${world.url}/credit`);
    await page.getByRole("heading", { name: "Wallet & credit" }).waitFor();
    await check("credit-connect");
    await page.locator("main").getByRole("button", { name: "Connect Nautilus" }).click();
    await page.locator("main").getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("no-account").waitFor();
    await check("credit-empty");
  });

  it("opens the account with 30 ERG, the health shown before signing", async () => {
    await amount("ERG").fill("30");
    await page.getByRole("button", { name: "Review" }).click();
    await preview().waitFor();
    expect(await preview().textContent()).toContain("30 ERG");
    expect(await preview().textContent()).toMatch(/Max drawable\d+(\.\d+)? GPUC/);
    expect(signatures()).toEqual([]);
    await page.getByRole("button", { name: "Sign the opening in Nautilus" }).click();
    await expect
      .poll(done, { timeout: 60_000 })
      .toMatch(/^The opening of 30 ERG is confirmed on chain: transaction [0-9a-f]{6}…/);
    expect(signatures()).toEqual([{ method: "sign_tx", outcome: "ok" }]);
    expect((await account())?.collateral).toBe(30n * NANOERG);
    expect(await page.getByTestId("credit-health").textContent()).toContain("30 ERG");
    await check("credit-account");
  }, 90_000);

  it("draws 2.5 GPUC: the ratio, liquidation price and what may still be drawn, before signing", async () => {
    await page.getByLabel("Action").selectOption("draw");
    await amount("GPUC").fill("2.5");
    await page.getByRole("button", { name: "Review" }).click();
    await preview().waitFor();
    const text = (await preview().textContent()) ?? "";
    expect(text).toContain("After the draw");
    expect(text).toMatch(/Debt0 GPUC2\.5 GPUC/);
    expect(text).toMatch(/Collateral rationo debt\d+(\.\d+)? %/);
    expect(text).toMatch(/Liquidation pricenone \(no debt\)\d+(\.\d+)? ERG per GPUC/);
    // Reviewed, not signed: the wallet has been asked for the opening only.
    expect(signatures()).toHaveLength(1);
    await check("credit-review");
    await page.getByRole("button", { name: "Sign the draw in Nautilus" }).click();
    await expect.poll(done, { timeout: 60_000 }).toContain("The draw of 2.5 GPUC is confirmed on chain");
    expect(signatures()).toHaveLength(2);
    expect((await account())?.debt).toBe(25n * (GPUC_UNIT / 10n));
    expect(await page.getByTestId("credit-health").textContent()).toMatch(/Debt2\.5 GPUC/);
  }, 90_000);

  it("refuses a draw beyond the collateral with the builder's message, and asks for no signature", async () => {
    await amount("GPUC").fill("1000000");
    await page.getByRole("button", { name: "Review" }).click();
    const alert = page.locator("main form [role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/needs at least [\d.]+ ERG of collateral.*draw less/);
    expect(await preview().count()).toBe(0);
    expect(signatures()).toHaveLength(2);
    expect((await account())?.debt).toBe(25n * (GPUC_UNIT / 10n));
    await check("credit-refused");
  }, 60_000);

  it("submits nothing when the signature is declined", async () => {
    await amount("GPUC").fill("1");
    await page.getByRole("button", { name: "Review" }).click();
    await preview().waitFor();
    wallet.behaviour.declineSign = true;
    await page.getByRole("button", { name: "Sign the draw in Nautilus" }).click();
    await page.locator("main form [role=alert]").waitFor();
    wallet.behaviour.declineSign = false;
    expect(signatures().at(-1)).toEqual({ method: "sign_tx", outcome: "refused" });
    expect((await account())?.debt).toBe(25n * (GPUC_UNIT / 10n));
  }, 60_000);

  it("repays the 2.5 GPUC, and the chain shows no debt", async () => {
    await page.getByLabel("Action").selectOption("repay");
    // "Max" fills in the whole debt.
    await page.getByRole("button", { name: "Max: fill in 2.5 GPUC" }).click();
    expect(await amount("GPUC").inputValue()).toBe("2.5");
    await page.getByRole("button", { name: "Review" }).click();
    await preview().waitFor();
    expect(await preview().textContent()).toMatch(/Debt2\.5 GPUC0 GPUC/);
    await page.getByRole("button", { name: "Sign the repayment in Nautilus" }).click();
    await expect.poll(done, { timeout: 60_000 }).toContain("The repayment of 2.5 GPUC is confirmed on chain");
    const after = await account();
    expect(after?.debt).toBe(0n);
    expect(after?.collateral).toBe(30n * NANOERG);
  }, 90_000);

  it("adds 5 ERG of collateral and withdraws it again", async () => {
    for (const [action, noun, collateral] of [
      ["collateral/add", "collateral top-up", 35n],
      ["collateral/withdraw", "withdrawal", 30n],
    ] as const) {
      await page.getByLabel("Action").selectOption(action);
      await amount("ERG").fill("5");
      await page.getByRole("button", { name: "Review" }).click();
      await preview().waitFor();
      expect(await preview().textContent()).toContain(
        `Collateral${collateral === 35n ? "30 ERG35 ERG" : "35 ERG30 ERG"}`,
      );
      await page.getByRole("button", { name: `Sign the ${noun} in Nautilus` }).click();
      // Each step's own notice: the one before stays on screen until this one replaces it.
      await expect.poll(done, { timeout: 60_000 }).toMatch(new RegExp(`^The ${noun} of 5 ERG is confirmed`));
      expect((await account())?.collateral).toBe(collateral * NANOERG);
    }
  }, 120_000);

  it("swaps bridged rsUSDT into GPUC at the Bank, the GPUC it pays shown before signing", async () => {
    await payRsUsdt("10", wallet.address);
    const before = (await world.alice.chain.balance(wallet.address)).gpuc;
    await page.goto(`${world.url}/get-gpuc`);
    await page.getByTestId("swap-tokens").waitFor();
    expect(await page.getByTestId("swap-tokens").textContent()).toContain("rsUSDT");
    await page.getByLabel(/^Token/).selectOption({ label: "rsUSDT" });
    await page.getByLabel("Amount (rsUSDT)").fill("10");
    await page.getByRole("button", { name: "Review" }).click();
    const swap = page.getByTestId("swap-preview");
    await swap.waitFor();
    const receive = /You receive([\d.]+) GPUC/.exec((await swap.textContent()) ?? "")?.[1];
    expect(receive).toMatch(/^\d+(\.\d+)?$/);
    expect(await swap.textContent()).toContain("You pay10 rsUSDT");
    const signed = signatures().length;
    await check("get-gpuc-swap");
    await page.getByRole("button", { name: "Sign the swap in Nautilus" }).click();
    await page.getByText("Swap submitted").waitFor({ timeout: 30_000 });
    expect(signatures()).toHaveLength(signed + 1);
    await expect
      .poll(async () => (await world.alice.chain.balance(wallet.address)).gpuc - before, { timeout: 30_000 })
      .toBe(parseGpuc(receive!));
  }, 90_000);

  it("shows the auditor the swap's issuance, no debt, the invariant holding, and no claims yet", async () => {
    await page.goto(`${world.url}/auditor`);
    await page.getByTestId("invariant").waitFor();
    await expect
      .poll(() => page.getByTestId("figures").textContent(), { timeout: 15_000 })
      .toMatch(/Σ debts0 GPUC1 credit account(?!s).*Swap issuance[1-9][\d.]* GPUC/);
    expect(await page.getByTestId("invariant").getByRole("heading").textContent()).toBe(
      "✓ The LETS invariant holds",
    );
    expect(await page.getByText("No claims or settlements yet.").count()).toBe(1);
    await check("auditor-empty");
  });

  it("had no serious accessibility violation on any page, and no page error", () => {
    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((name) => [name, []])));
    expect(world.browserErrors.filter((line) => !line.includes("Failed to load resource"))).toEqual([]);
  });

  /** The devnet guard pays Alice bridged rsUSDT, as Rosen does for a transfer into Ergo. */
  async function payRsUsdt(amount: string, to: string) {
    const { system, dataDir } = world.test;
    const code = await runCli(["bridge", "faucet", "--token", "rsUSDT", "--amount", amount, "--to", to], {
      env: {
        GPUC_DATA_DIR: dataDir,
        ERGO_NODE_URL: system.nodeUrl,
        GPUC_MARKETPLACE_URL: system.marketplaceUrl,
      },
      stdout: () => undefined,
      stderr: () => undefined,
    });
    expect(code).toBe(0);
  }
});
