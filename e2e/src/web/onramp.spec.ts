import { createServer } from "node:net";
import { buildGpucTransfer, waitForConfirmations } from "@gpuc/offchain";
import { type TestKey, testKey } from "@gpuc/offchain/testing/protocol";
import { STRIPE_WEBHOOK_PATH } from "@gpuc/onramp";
import { type StripeStandIn, startStripeStandIn } from "@gpuc/onramp/testing";
import { GPUC_UNIT, NANOERG } from "@gpuc/sdk";
import { screenshots, seriousViolations, type TestWallet } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundAlice, startWebWorld, type WebWorld } from "./world.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

/**
 * A card purchase from the Get GPUC page, in Chromium: Alice asks for a price, pays on the Stripe stand-in's hosted
 * checkout page (Stripe's documented endpoints; its webhooks signed as Stripe signs them), comes back to the
 * marketplace's order page, and follows her order until the GPUC is delivered on chain, once.
 */
describe("the web app: buying GPUC by card (Chromium, Stripe stand-in, devnet)", () => {
  let world: WebWorld;
  let stripe: StripeStandIn;
  let float: TestKey;
  let wallet: TestWallet;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    stripe = await startStripeStandIn({ webhookUrl: `${url}${STRIPE_WEBHOOK_PATH}` });
    float = testKey();
    world = await startWebWorld({
      GPUC_EXECUTOR: "off",
      MARKETPLACE_PORT: String(port),
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_BASE: stripe.apiBase,
      ONRAMP_FLOAT_SECRET_HEX: float.secretHex,
      ONRAMP_PUBLIC_URL: url,
      ONRAMP_MAX_ORACLE_AGE_BLOCKS: "1000000",
      ONRAMP_CONFIRMATIONS: "1",
      ONRAMP_MIN_ORDER_CENTS: "50",
    });
    // The float: 5 GPUC Alice drew, sent to the float's key with ERG for fees.
    await fundAlice(world);
    const { chain } = world.test.system;
    const faucet = await world.test.system.devnet!.faucet(float.address, { nanoErgs: 10n * NANOERG });
    await waitForConfirmations(chain, faucet.txId, 1, { pollMs: 100, timeoutMs: 60_000 });
    const alice = world.test.system.keys.alice;
    const send = buildGpucTransfer(
      {
        gpucTokenId: world.test.system.deployment.gpucTokenId,
        payments: [{ address: float.address, units: 5n * GPUC_UNIT }],
      },
      {
        inputs: await chain.unspentByAddress(alice.address),
        changeAddress: alice.address,
        height: await chain.height(),
      },
    );
    await waitForConfirmations(chain, await chain.submit(await alice.signer.sign(send, chain)), 1, {
      pollMs: 100,
      timeoutMs: 60_000,
    });
    wallet = world.walletOf(alice);
    page = await world.page(wallet);
  }, 300_000);
  afterAll(async () => {
    await world?.stop();
    await stripe?.close();
  }, 60_000);

  it("quotes 2 GPUC with the spread and the card fee shown apart", async () => {
    await page.goto(`${world.url}/get-gpuc`);
    await page.getByRole("button", { name: "Connect Nautilus" }).first().click();
    // Signing in once signs in every section of the page.
    await page.getByRole("button", { name: "Sign in" }).first().click();
    const card = page.getByRole("region", { name: "Buy with a card" });
    await card.getByLabel("Amount", { exact: true }).fill("2");
    await card.getByRole("button", { name: "Get a price" }).click();
    const quote = page.getByTestId("quote");
    await quote.waitFor();
    const text = (await quote.textContent()) ?? "";
    expect(text).toContain("2 GPUC");
    expect(text).toContain("Operator's spread");
    expect(text).toContain("Card fee (Stripe)");
    await screenshots(page, "get-gpuc-quote");
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it("pays on Stripe's page, comes back, and sees the GPUC delivered on chain once", async () => {
    const before = (await world.alice.chain.balance(wallet.address)).gpuc;
    await page.getByRole("button", { name: /Pay .* by card/ }).click();
    await page.waitForURL(new RegExp(`^${stripe.apiBase}/pay/`));
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(/\/onramp\/orders\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => page.getByTestId("order-status").textContent(), { timeout: 90_000, interval: 500 })
      .toBe("Delivered: the GPUC is in your wallet");
    expect(await page.getByTestId("order-delivery").locator("code").getAttribute("title")).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect((await world.alice.chain.balance(wallet.address)).gpuc - before).toBe(2n * GPUC_UNIT);
    // The wallet's balance in the page's header: 10 drawn, 5 sent to the float, 2 bought.
    await expect
      .poll(() => page.getByTestId("gpuc-balance").textContent(), { timeout: 30_000 })
      .toBe("7 GPUC");
    await screenshots(page, "onramp-order");
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${world.url}/get-gpuc`);
    await expect
      .poll(() => page.getByTestId("order-state").first().textContent(), { timeout: 15_000 })
      .toBe("delivered");
    expect(wallet.calls.some((call) => call.method === "sign_tx")).toBe(false);
  }, 150_000);
});
