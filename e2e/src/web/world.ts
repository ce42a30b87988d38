import {
  ChainContext,
  createOutput,
  DEMO_LISTING,
  drawCredit,
  type Gpuc,
  listProvider,
  marketplaceFor,
  openCredit,
  stakeProvider,
  type Wallet,
  waitUntil,
} from "@gpuc/cli";
import { parseConfigBox } from "@gpuc/offchain";
import { GPUC_UNIT, NANOERG } from "@gpuc/sdk";
import { launchChromium, TestWallet } from "@gpuc/web/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestSystem, type TestSystem } from "../system.ts";

/** The whole system (`npm start`'s parts on the devnet, executor in Docker) and Chromium, for the web app's tests. */
export interface WebWorld {
  readonly test: TestSystem;
  readonly browser: Browser;
  readonly url: string;
  /** Alice's wallet as an action context (to read the chain as she would). */
  readonly alice: Gpuc;
  readonly bob: Gpuc;
  /** A fresh page (its own context: storage, wallet) with `wallet` injected as Nautilus, when given. */
  page(wallet?: TestWallet): Promise<Page>;
  /** Uncaught errors and console errors of every page, as `<url>: <text>` (a clean run has none). */
  readonly browserErrors: string[];
  /** Alice's (or another key's) EIP-12 test wallet. */
  walletOf(who: Wallet): TestWallet;
  stop(): Promise<void>;
}

const quiet = createOutput({ stderr: () => undefined, stdout: () => undefined });

export async function startWebWorld(env: Record<string, string> = {}): Promise<WebWorld> {
  const test = await startTestSystem({ GPUC_EXECUTOR: "on", ...env });
  const { system } = test;
  const context = (wallet: Wallet): Gpuc => ({
    wallet,
    chain: new ChainContext(system.nodeUrl, system.deployment, quiet, 120_000),
    market: marketplaceFor(system.marketplaceUrl, wallet.signer),
    output: quiet,
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const browserErrors: string[] = [];
  return {
    browserErrors,
    test,
    browser,
    url: system.marketplaceUrl,
    alice: context(system.keys.alice),
    bob: context(system.keys.bob),
    async page(wallet) {
      const browserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(browserContext);
      const page = await browserContext.newPage();
      page.on("pageerror", (error) => browserErrors.push(`${page.url()}: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") browserErrors.push(`${page.url()}: ${message.text()}`);
      });
      if (wallet) await wallet.install(page);
      return page;
    },
    walletOf: (who) => new TestWallet(who.signer, system.chain),
    async stop() {
      for (const browserContext of contexts) await browserContext.close().catch(() => undefined);
      await browser.close();
      await test.stop();
    },
  };
}

/** Alice holds 10 GPUC drawn against ERG. */
export async function fundAlice(world: WebWorld): Promise<void> {
  await openCredit(world.alice, 30n * NANOERG);
  await drawCredit(world.alice, 10n * GPUC_UNIT);
}

/** Bob stakes, lists the demo GPU, and his executor comes online: the offer is searchable and available. */
export async function listBob(world: WebWorld): Promise<string> {
  const { chain } = world.bob;
  const config = parseConfigBox(await chain.configBox(), world.test.system.deployment.configNftId);
  const nanoErgs = config.minStakePerGpu * BigInt(DEMO_LISTING.gpus.length) + NANOERG;
  await stakeProvider(world.bob, { nanoErgs, listing: DEMO_LISTING });
  const provider = await listProvider(world.bob, { name: "bob-rig", listing: DEMO_LISTING });
  const offer = await waitUntil(
    "Bob's offer online",
    async () =>
      (await world.alice.market.searchGpus({ available: true })).items.find(
        (item) => item.providerId === provider.id,
      ),
    (found) => found !== undefined,
    () => "waiting for Bob's executor",
    { timeoutMs: 90_000, pollMs: 500 },
  );
  return offer!.id;
}
