import { rentGpu } from "@gpuc/cli";
import { Signer } from "@gpuc/offchain";
import { GPUC_UNIT } from "@gpuc/sdk";
import { screenshots, seriousViolations, type TestWallet } from "@gpuc/web/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundAlice, listBob, startWebWorld, type WebWorld } from "./world.ts";

const PRINT_LOOP =
  'i=0; while true; do i=$((i+1)); echo "hello from the browser rental, line $i"; sleep 1; done';

/**
 * The consumer's whole rental in Chromium, against the real parts: Alice connects her (test) Nautilus, signs in,
 * searches, rents Bob's GPU signing the escrow in the wallet, watches it run and its logs, tops up, stops, and the
 * refund lands on chain. Every signature is ergo-lib's and the devnet validates each transaction in full.
 */
let world: WebWorld;
let offerId: string;

beforeAll(async () => {
  // A billing hour of 120 s: the rental runs, is topped up and stopped well inside its prepaid hours.
  world = await startWebWorld({ GPUC_BLOCKS_PER_HOUR: "240" });
  await fundAlice(world);
  offerId = await listBob(world);
}, 300_000);
afterAll(() => world?.stop(), 60_000);

describe("the web app: a consumer rents in the browser (Chromium, devnet, Docker)", () => {
  let wallet: TestWallet;
  let page: Page;
  let instanceId: string;
  const axe: Record<string, string[]> = {};

  const check = async (name: string) => {
    await screenshots(page, name);
    axe[name] = await seriousViolations(page);
  };

  beforeAll(async () => {
    wallet = world.walletOf(world.test.system.keys.alice);
    page = await world.page(wallet);
  });

  it("connects Nautilus and shows the address, network and balances", async () => {
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    await expect.poll(() => page.getByTestId("gpuc-balance").textContent()).toBe("10 GPUC");
    expect(await page.locator(".wallet .network").textContent()).toBe("testnet");
    expect(await page.locator(".wallet .address").getAttribute("title")).toBe(wallet.address);
  });

  it("searches with filters kept in the URL, and finds Bob's offer", async () => {
    await page.getByLabel("Model").fill("4090");
    await page.getByLabel("Availability").selectOption("true");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("offers").waitFor();
    expect(page.url()).toContain("gpu_name=4090");
    expect(page.url()).toContain("available=true");
    expect(await page.getByTestId("offers").locator("tbody tr").count()).toBe(1);
    expect(await page.getByTestId("offers").textContent()).toContain("1 GPUC");
    await check("market");
    await page.goto(`${world.url}/offers/${offerId}`);
    await page.getByRole("heading", { name: "Specs" }).waitFor();
    await page.getByTestId("reliability-history").waitFor();
    expect(await page.getByTestId("reliability-history").locator("tbody tr").count()).toBe(1);
    await check("offer");
  });

  it("rents: signs in with EIP-28, signs the escrow in the wallet, and follows it to Running", async () => {
    await page.goto(`${world.url}/rent/${offerId}`);
    await page.getByLabel(/Command or script/).fill(PRINT_LOOP);
    await page.getByLabel(/Hours/).fill("2");
    expect(await page.getByRole("button", { name: /Rent for/ }).textContent()).toBe("Rent for 2 GPUC");
    await check("rent");
    await page.getByRole("button", { name: /Rent for/ }).click();
    await page.waitForURL(/\/instances\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    instanceId = page.url().split("/").pop()!;
    expect(wallet.calls.filter((call) => call.method === "auth")).toEqual([
      { method: "auth", outcome: "ok" },
    ]);
    expect(wallet.calls.filter((call) => call.method === "sign_tx")).toEqual([
      { method: "sign_tx", outcome: "ok" },
    ]);
    await expect
      .poll(() => page.getByTestId("state").textContent(), { timeout: 90_000, interval: 250 })
      .toMatch(/^Running/);
  }, 150_000);

  it("reads the container's live logs from the executor with an instance credential", async () => {
    await expect
      .poll(() => page.getByTestId("logs").textContent(), {
        timeout: 30_000,
        message: `${await page.locator("#logs-title + .row").textContent()} ${world.browserErrors.join("; ")}`,
      })
      .toMatch(/hello from the browser rental, line \d+/);
    // The usage sample comes from the same executor with the same kind of credential (scope logs).
    await expect
      .poll(() => page.getByTestId("usage-memory").textContent(), {
        timeout: 30_000,
        message: world.browserErrors.join("; "),
      })
      .toMatch(/^\d+\.\d MiB of \d+\.\d MiB$/);
    await check("instance");
  }, 60_000);

  it("tops up one hour, signed in the wallet", async () => {
    await page.getByLabel("Add hours").fill("1");
    await page.getByRole("button", { name: "Top up" }).click();
    await expect
      .poll(() => page.locator(".notice").textContent(), { timeout: 60_000 })
      .toContain("Top-up of 1 h submitted: the escrow holds 3 GPUC once it confirms");
    await expect
      .poll(async () => (await world.alice.market.instance(instanceId)).hours, { timeout: 30_000 })
      .toBe(3);
    await expect
      .poll(() => page.locator("dl.facts").textContent(), { timeout: 15_000 })
      .toContain("3 h × 1 GPUC = 3 GPUC");
  }, 90_000);

  it("stops, and the unused hours come back on chain", async () => {
    const before = (await world.alice.chain.balance(wallet.address)).gpuc;
    await page.getByRole("button", { name: "Stop instance" }).click();
    await expect
      .poll(() => page.getByTestId("state").textContent(), { timeout: 90_000, interval: 250 })
      .toMatch(/^Completed — user stopped/);
    // The closing transaction is recorded once the indexer sees it, and the page shows it from the stream.
    await expect
      .poll(async () => (await world.alice.market.instance(instanceId)).settlementTxId, { timeout: 30_000 })
      .toMatch(/^[0-9a-f]{64}$/);
    const { settlementTxId } = await world.alice.market.instance(instanceId);
    await expect
      .poll(() => page.getByTestId("settlement-tx").locator("code").getAttribute("title"), {
        timeout: 15_000,
      })
      .toBe(settlementTxId);
    await expect
      .poll(async () => (await world.alice.chain.balance(wallet.address)).gpuc - before, { timeout: 30_000 })
      .toBeGreaterThan(GPUC_UNIT);
  }, 120_000);

  it("exits a second rental without the provider: the wallet signs the contract's refund path", async () => {
    const running = await rentGpu(
      world.alice,
      { gpuId: offerId, hours: 2, image: "gpuc/busybox:test", cmd: ["sh", "-c", "sleep 600"] },
      { untilRunning: true },
    );
    await page.goto(`${world.url}/instances/${running.id}`);
    await page.getByRole("button", { name: "Exit without the provider" }).click();
    await expect
      .poll(() => page.locator(".notice").textContent(), { timeout: 60_000 })
      .toMatch(/^Exited: [\d.]+ GPUC comes back to you/);
    const signs = wallet.calls.filter((call) => call.method === "sign_tx");
    expect(signs.at(-1)).toEqual({ method: "sign_tx", outcome: "ok" });
    await expect
      .poll(async () => (await world.alice.market.instance(running.id)).settlementTxId, { timeout: 30_000 })
      .toMatch(/^[0-9a-f]{64}$/);
    await expect
      .poll(async () => (await world.alice.market.instance(running.id)).state, { timeout: 60_000 })
      .toMatch(/^(Stopping|Completed)$/);
  }, 150_000);

  it("lists the instance on My instances, and every page has no serious accessibility violation", async () => {
    await page.goto(`${world.url}/instances`);
    await page.getByTestId("instance-state").first().waitFor();
    expect(await page.getByTestId("instance-state").count()).toBe(2);
    await check("instances");
    for (const path of ["get-gpuc", "credit", "provider", "auditor"]) {
      await page.goto(`${world.url}/${path}`);
      await page.locator("h1").waitFor();
      // Not "networkidle": the pages hold event streams open. Loaded is when no "Loading …" status remains.
      await expect.poll(() => page.getByText(/^Loading /).count(), { timeout: 30_000 }).toBe(0);
      await check(path);
    }
    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((name) => [name, []])));
  }, 120_000);
});

/**
 * Every wallet failure a real Nautilus has, each shown in words and leaving nothing half-done: run after the
 * rental above (same system), so Bob's offer is free again.
 */
describe("the web app: wallet failures (Chromium)", () => {
  const alert = (page: Page) => page.getByRole("alert").first();

  it("without Nautilus: says so and links to installing it", async () => {
    const page = await world.page();
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    expect(await alert(page).textContent()).toContain("Nautilus is not installed in this browser");
    expect(await page.getByRole("link", { name: "Install Nautilus" }).getAttribute("href")).toMatch(
      /nautilus/,
    );
  });

  it("a refused connection: says how to allow the site, and stays disconnected", async () => {
    const refusing = world.walletOf(world.test.system.keys.alice);
    refusing.behaviour.refuseConnect = true;
    const page = await world.page(refusing);
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    expect(await alert(page).textContent()).toContain("Nautilus refused the connection");
    expect(await page.getByRole("button", { name: "Connect Nautilus" }).count()).toBe(1);
  });

  it("a wallet on the wrong network: names both networks, and disconnects it", async () => {
    const mainnet = world.walletOf(world.test.system.keys.alice);
    mainnet.behaviour.addressOverride = Signer.random("mainnet").address;
    const page = await world.page(mainnet);
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    expect(await alert(page).textContent()).toContain(
      "Your wallet is on mainnet but this marketplace runs on testnet",
    );
    expect(mainnet.calls.map((call) => call.method)).toContain("disconnect");
  });

  it("a declined sign-in: says nothing was sent, and no session exists", async () => {
    const declining = world.walletOf(world.test.system.keys.alice);
    declining.behaviour.declineAuth = true;
    const page = await world.page(declining);
    await page.goto(`${world.url}/instances`);
    await page.getByRole("button", { name: "Connect Nautilus" }).first().click();
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await alert(page).textContent()).toContain("You declined to sign the sign-in message");
    expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(1);
  });

  it("a declined escrow signature: nothing submitted, the reservation holds no escrow", async () => {
    const declining = world.walletOf(world.test.system.keys.alice);
    const page = await world.page(declining);
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    await page.getByTestId("gpuc-balance").waitFor();
    declining.behaviour.declineSign = true;
    await page.goto(`${world.url}/rent/${offerId}`);
    await page.getByRole("button", { name: /Rent for/ }).click();
    await expect
      .poll(() => alert(page).textContent(), { timeout: 30_000 })
      .toContain("You declined to sign the escrow in Nautilus; nothing was sent.");
    expect(page.url()).toContain(`/rent/${offerId}`);
    const { items } = await world.alice.market.listInstances({ state: "Created" });
    expect(items.length).toBe(1);
    expect(items[0]!.escrowTxId).toBeNull();
    expect(declining.calls.filter((call) => call.method === "sign_tx")).toEqual([
      { method: "sign_tx", outcome: "refused" },
    ]);
    expect(declining.calls.some((call) => call.method === "submit_tx")).toBe(false);
  }, 60_000);

  it("a disconnect from the wallet's side: the page notices and says to connect again", async () => {
    const leaving = world.walletOf(world.test.system.keys.alice);
    const page = await world.page(leaving);
    await page.goto(world.url);
    await page.getByRole("button", { name: "Connect Nautilus" }).click();
    await page.getByTestId("gpuc-balance").waitFor();
    leaving.disconnectFromWallet();
    await expect
      .poll(() => alert(page).textContent(), { timeout: 10_000 })
      .toContain("Nautilus disconnected from this page");
    expect(await page.getByRole("button", { name: "Connect Nautilus" }).count()).toBe(1);
  });

  it("left no uncaught error in any page", () => {
    expect(world.browserErrors.filter((line) => !line.includes("Failed to load resource"))).toEqual([]);
  });
});
