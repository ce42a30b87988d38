// Crash test of the on-ramp's order path: the marketplace (with its on-ramp) runs as a child process and is
// SIGKILLed at each step of an order — after the order row, after the Checkout Session is created, after the
// Stripe event is stored, after the delivery is signed and stored, after it is submitted, and from outside
// before it confirms — then restarted on the same database. The Stripe stand-in redelivers unacknowledged
// events as Stripe does. Over 50 orders: every paid order is delivered exactly once, every failed payment
// delivers nothing, checked on chain; the counts are printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSystemConfig, marketplaceFor, type RunningSystem, startSystem } from "@gpuc/cli";
import {
  buildGpucTransfer,
  buildOraclePoolMintTx,
  NodeChainClient,
  Signer,
  tokenAmount,
  waitForConfirmations,
} from "@gpuc/offchain";
import { type TestKey, testKey } from "@gpuc/offchain/testing/protocol";
import { STRIPE_WEBHOOK_PATH } from "@gpuc/onramp";
import { type StripeStandIn, startStripeStandIn } from "@gpuc/onramp/testing";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { GPUC_UNIT, NANOERG, NetworkError, type Order, ProblemError } from "@gpuc/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildPart, type Death } from "./child-part.ts";
import { marketplaceEnv } from "./system.ts";
import { freePort, fundConsumers, session } from "./world.ts";

const ORDERS = 50;
const PER_ROUND = 5;
/** Where each round kills the marketplace; `external` is a SIGKILL from outside while a delivery is unconfirmed. */
const POINTS = [
  "onramp.order.stored",
  "onramp.session.created",
  "onramp.event.stored",
  "onramp.delivery.signed",
  "onramp.delivery.submitted",
  "external",
] as const;
/** Every tenth order pays by a method that later fails: it must end failed, with nothing delivered. */
const failsAsync = (i: number) => i % 10 === 9;
const ORDER_GPUC = "2";

let database: TestDatabase;
let dataDir: string;
let system: RunningSystem;
let stripe: StripeStandIn;
let marketplace: ChildPart;
let chain: NodeChainClient;
let float: TestKey;
let url: string;
let stopping = false;
const deaths: Death[] = [];
let nextArm: string | undefined;
let keeper: Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the marketplace until it answers: while it is down (or restarting) the call is simply retried. */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient =
        error instanceof NetworkError || (error instanceof ProblemError && error.status >= 502);
      if (!transient || attempt > 600) throw error;
      await sleep(250);
    }
  }
}

async function keep(): Promise<void> {
  while (!stopping) {
    const death = await marketplace.exited;
    if (!death) return;
    deaths.push(death);
    if (stopping) return;
    const arm = nextArm;
    nextArm = undefined;
    await marketplace.start(arm);
  }
}

beforeAll(async () => {
  database = await createTestDatabase("onramp_crash");
  dataDir = mkdtempSync(join(tmpdir(), "gpuc-onramp-crash-"));
  system = await startSystem(
    loadSystemConfig({
      GPUC_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DEVNET_PORT: "0",
      MARKETPLACE_PORT: "0",
      DEVNET_BLOCK_MS: "500",
      GPUC_EXECUTOR: "off",
    }),
    createLogger("gpuc", { level: "warn" }),
  );
  await system.marketplace.stop();
  chain = new NodeChainClient(system.nodeUrl);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const ctx = (wallet: Parameters<typeof session>[0]) =>
    session(wallet, system.nodeUrl, url, system.deployment);
  // The float: GPUC drawn against ERG collateral by one wallet, sent to the float key with ERG for fees.
  const [treasurer] = await fundConsumers({
    devnet: system.devnet!,
    dataDir,
    count: 1,
    gpuc: 150n * GPUC_UNIT,
    ctx,
  });
  float = testKey();
  const faucet = await system.devnet!.faucet(float.address, { nanoErgs: 100n * NANOERG });
  await waitForConfirmations(chain, faucet.txId, 1, { pollMs: 100, timeoutMs: 60_000 });
  const funding = await chain.unspentByAddress(treasurer!.wallet.address);
  const send = buildGpucTransfer(
    {
      gpucTokenId: system.deployment.gpucTokenId,
      payments: [{ address: float.address, units: 150n * GPUC_UNIT }],
    },
    { inputs: funding, changeAddress: treasurer!.wallet.address, height: await chain.height() },
  );
  const sent = await chain.submit(await treasurer!.wallet.signer.sign(send, chain));
  await waitForConfirmations(chain, sent, 1, { pollMs: 100, timeoutMs: 60_000 });
  // The devnet's ERG/USD pool, owned by the treasurer: at the float's address its box would be spent as a delivery input.
  const pool = buildOraclePoolMintTx({
    inputs: await chain.unspentByAddress(treasurer!.wallet.address),
    changeAddress: treasurer!.wallet.address,
    height: await chain.height(),
    operatorAddress: treasurer!.wallet.address,
    nanoErgPerUsd: 2_000_000_000n,
  });
  await waitForConfirmations(
    chain,
    await chain.submit(await treasurer!.wallet.signer.sign(pool.tx, chain)),
    1,
    {
      pollMs: 100,
    },
  );

  stripe = await startStripeStandIn({
    webhookUrl: `${url}${STRIPE_WEBHOOK_PATH}`,
    webhookRetry: { attempts: 600, delayMs: 250 },
  });
  marketplace = new ChildPart({
    name: "marketplace",
    entry: new URL("./procs/marketplace.ts", import.meta.url).pathname,
    logFile: join(dataDir, "marketplace.log"),
    env: {
      ...marketplaceEnv(system, database, port, dataDir),
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_BASE: stripe.apiBase,
      ONRAMP_FLOAT_SECRET_HEX: float.secretHex,
      ONRAMP_POOL_NFT: pool.nftId,
      ONRAMP_MAX_ORACLE_AGE_BLOCKS: "1000000",
      ONRAMP_CONFIRMATIONS: "2",
      ONRAMP_MIN_ORDER_CENTS: "50",
      ONRAMP_PUBLIC_URL: url,
    },
  });
  await marketplace.start();
  keeper = keep();
}, 600_000);

afterAll(async () => {
  stopping = true;
  await marketplace?.stop();
  await keeper;
  marketplace?.close();
  await stripe?.close();
  await system?.devnet?.stop();
  await database?.drop();
  if (!process.env.GPUC_CRASH_KEEP_DATA && dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** One buyer's order, driven to its end through crashes: the final order and what the buyer holds on chain. */
async function buy(i: number): Promise<{ order: Order; held: bigint; failing: boolean }> {
  const buyer = Signer.random();
  const market = marketplaceFor(url, buyer);
  const quote = await retrying(() => market.onrampQuote({ gpuc: ORDER_GPUC }));
  const open = await retrying(() => market.onrampCheckout(quote.id));
  const sessionId = open.checkoutUrl!.split("/pay/")[1]!;
  const failing = failsAsync(i);
  await stripe.pay(sessionId, { async: failing });
  if (failing) await stripe.settleAsync(sessionId, false);
  const end = failing ? "failed" : "delivered";
  const deadline = Date.now() + 240_000;
  let order = await retrying(() => market.onrampOrder(open.id));
  while (order.state !== end && Date.now() < deadline) {
    await sleep(500);
    order = await retrying(() => market.onrampOrder(open.id));
  }
  const boxes = await chain.unspentByAddress(buyer.address);
  const held = boxes.reduce((sum, box) => sum + tokenAmount(box, system.deployment.gpucTokenId), 0n);
  return { order, held, failing };
}

/** Kills the marketplace from outside as soon as a delivery is signed and not yet in a block. */
async function killWhileUnconfirmed(): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (let i = 0; i < 600; i++) {
      const { rows } = await client.query("SELECT 1 FROM onramp_deliveries WHERE state = 'pending' LIMIT 1");
      if (rows.length > 0 && marketplace.ready) {
        await marketplace.kill();
        return;
      }
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

describe("On-ramp crash test (SIGKILL at every step of an order, PostgreSQL + devnet)", () => {
  it(`Should deliver each of ${ORDERS} orders exactly once (or not at all when the payment failed) through crashes`, async () => {
    const results: Awaited<ReturnType<typeof buy>>[] = [];
    const startedAt = Date.now();
    for (let round = 0; round * PER_ROUND < ORDERS; round++) {
      const point = POINTS[round % POINTS.length]!;
      if (point !== "external") {
        nextArm = point;
        await marketplace.kill();
        while (!(marketplace.ready && marketplace.armed === point)) await sleep(100);
      }
      const orders = Array.from({ length: PER_ROUND }, (_, k) => buy(round * PER_ROUND + k));
      if (point === "external") await killWhileUnconfirmed();
      results.push(...(await Promise.all(orders)));
    }
    const units = BigInt(ORDER_GPUC) * GPUC_UNIT;
    const paid = results.filter((result) => !result.failing);
    const counts = {
      orders: results.length,
      delivered: paid.filter((result) => result.order.state === "delivered" && result.held === units).length,
      failedAsExpected: results.filter((r) => r.failing && r.order.state === "failed" && r.held === 0n)
        .length,
      doubled: results.filter((result) => result.held > (result.failing ? 0n : units)).length,
      lost: paid.filter((result) => result.held < units).length,
      crashesAtPoints: deaths.filter((death) => death.point).length,
      externalKills: deaths.filter((death) => death.external && !death.point).length,
      byPoint: Object.fromEntries(POINTS.map((p) => [p, deaths.filter((d) => d.point === p).length])),
      restarts: marketplace.starts - 1,
      seconds: Math.round((Date.now() - startedAt) / 1000),
    };
    process.stdout.write(`ONRAMP_CRASH_COUNTS ${JSON.stringify(counts)}\n`);
    expect(counts.doubled).toBe(0);
    expect(counts.lost).toBe(0);
    expect(counts.delivered).toBe(paid.length);
    expect(counts.failedAsExpected).toBe(results.length - paid.length);
    for (const p of POINTS.filter((name) => name !== "external"))
      expect(counts.byPoint[p]).toBeGreaterThan(0);
    expect(counts.externalKills).toBeGreaterThan(0);
  }, 1_500_000);
});
