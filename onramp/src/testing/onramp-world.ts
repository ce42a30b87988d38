// One on-ramp on the devnet for tests: a deployed protocol, a devnet ERG/USD pool, a float wallet holding GPUC,
// a fresh migrated database, the indexer with the on-ramp's subscriber, the Stripe stand-in posting its webhooks
// to the real route, and the HTTP app. Blocks are mined on demand; `settle()` mines and indexes.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ChainIndexer, holdingToken, IndexStore, migrateIndex } from "@gpuc/indexer";
import { buildGpucTransfer, buildOraclePoolMintTx, buildSwapIn, tokenAmount } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "@gpuc/offchain/testing/protocol";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { errorHandler, HttpError, mountRoutes } from "@gpuc/platform/http";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import type { OrderState } from "@gpuc/sdk";
import express from "express";
import { Registry } from "prom-client";
import type { OnrampConfig } from "../config.ts";
import { onrampRoutes, STRIPE_WEBHOOK_PATH } from "../onramp.router.ts";
import { createOnramp, migrateOnramp, type Onramp } from "../onramp.ts";
import { type StripeStandIn, startStripeStandIn } from "./stripe-stand-in.ts";

/** 1 ERG = $0.50; the Config price is 1 ERG per GPUC: 1 GPUC costs 50 ¢ before spread and fees. */
export const WORLD_NANOERG_PER_USD = 2_000_000_000n;

export interface OnrampWorld {
  readonly chain: TestChain;
  readonly lets: LetsFixture;
  readonly float: TestKey;
  readonly db: Database;
  readonly onramp: Onramp;
  readonly indexer: ChainIndexer;
  readonly stripe: StripeStandIn;
  readonly registry: Registry;
  readonly url: string;
  readonly config: OnrampConfig;
  /** Mines `blocks` blocks and indexes them (the subscriber's delivery step runs after each). */
  settle(blocks?: number): Promise<void>;
  /** GPUC units `address` holds on chain. */
  gpucOf(address: string): Promise<bigint>;
  /** Mines and indexes until the order reaches `state` (at most `blocks` blocks). */
  untilState(orderId: string, state: OrderState, blocks?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** GPUC units in the float at start (default 500 GPUC). */
  readonly floatUnits?: bigint;
  readonly config?: Partial<OnrampConfig>;
}

export async function startOnrampWorld(options: WorldOptions = {}): Promise<OnrampWorld> {
  const chain = await startTestChain();
  const lets = await deployForTest(chain);
  const float = await fundFloat(chain, lets, options.floatUnits ?? 500_000_000n);
  const poolNftId = await mintPool(chain, lets);
  const database: TestDatabase = await createTestDatabase("onramp");
  const db = new Database(createPool(database.url));
  await migrateIndex(db);
  await migrateOnramp(db);
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stripe = await startStripeStandIn({ webhookUrl: `${url}${STRIPE_WEBHOOK_PATH}` });
  const config: OnrampConfig = {
    stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiBase: stripe.apiBase },
    floatSecretHex: float.secretHex,
    publicUrl: url,
    spreadBps: 100,
    stripeFee: { bps: 290, fixedCents: 30 },
    quoteTtlS: 600,
    limits: {
      minOrderCents: 50,
      maxOrderCents: 50_000,
      dailyPerAddressCents: 100_000,
      dailyTotalCents: 1_000_000,
    },
    oracle: { poolNftId, maxAgeBlocks: 1_000 },
    confirmations: 2,
    maxBatch: 50,
    network: "testnet",
    ...options.config,
  };
  const log = createLogger("onramp.test", { level: "warn" });
  const registry = new Registry();
  const onramp = createOnramp({
    db,
    chain: chain.client,
    config,
    deployment: lets.deployment,
    log,
    registry,
  });
  mountApp(app, onramp);
  const indexer = new ChainIndexer({
    source: chain.client,
    db,
    store: new IndexStore(db),
    log,
    startHeight: 1,
    pollMs: 60_000,
    gpucTokenId: lets.deployment.gpucTokenId,
  })
    .addRule(holdingToken("wallet", lets.deployment.gpucTokenId))
    .subscribe(onramp.subscriber);
  await indexer.syncOnce();

  const world: OnrampWorld = {
    chain,
    lets,
    float,
    db,
    onramp,
    indexer,
    stripe,
    registry,
    url,
    config,
    async settle(blocks = 1) {
      for (let i = 0; i < blocks; i++) {
        await chain.mine();
        await indexer.syncOnce();
      }
    },
    gpucOf: async (address) =>
      (await chain.client.unspentByAddress(address)).reduce(
        (sum, box) => sum + tokenAmount(box, lets.deployment.gpucTokenId),
        0n,
      ),
    async untilState(orderId, state, blocks = 6) {
      for (let i = 0; i <= blocks; i++) {
        const order = await onramp.orders.admin(orderId);
        if (order.state === state) return;
        await world.settle();
      }
      const order = await onramp.orders.admin(orderId);
      throw new Error(`Order ${orderId} is ${order.state} after ${blocks} blocks, not ${state}`);
    },
    async stop() {
      await indexer.stop();
      await stripe.close();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await database.drop();
      await chain.stop();
    },
  };
  return world;
}

/** The routes on the app; a buyer is named by `x-test-address`, the operator by `x-test-operator: 1`. */
function mountApp(app: express.Express, onramp: Onramp): void {
  app.use(STRIPE_WEBHOOK_PATH, express.raw({ type: "*/*", limit: "1mb" }));
  app.use(express.json());
  mountRoutes(app, onrampRoutes(onramp, { buyer: "buyer", operator: "operator" }), {
    async authorize(req, requirement) {
      if (requirement === "operator" && req.get("x-test-operator") !== "1")
        throw new HttpError(403, "operator only");
      const address = req.get("x-test-address");
      if (!address) throw new HttpError(401, "sign in");
      return { address };
    },
  });
  app.use(errorHandler({ log: createLogger("onramp.test.http", { level: "error" }) }));
}

/** A float wallet: a stable holder swaps TestUSD into GPUC through the Bank and sends it to a fresh key. */
async function fundFloat(chain: TestChain, lets: LetsFixture, units: bigint): Promise<TestKey> {
  const float = await fundedKey(chain, 20_000_000_000n);
  const holder = lets.stableHolder;
  // 10,000 GPUC units per TestUSD cent, less the 0.3 % swap fee: swap a little more than needed.
  const cents = units / 10_000n + units / 3_000_000n + 1n;
  const swap = { ...(await lets.boxes()), tokenId: lets.stableTokenId, amount: cents };
  await chain.signSubmitMine(holder.signer, buildSwapIn(swap, await lets.wallet(holder)));
  const payments = [{ address: float.address, units }];
  await chain.signSubmitMine(
    holder.signer,
    buildGpucTransfer({ gpucTokenId: lets.deployment.gpucTokenId, payments }, await lets.wallet(holder)),
  );
  return float;
}

async function mintPool(chain: TestChain, lets: LetsFixture): Promise<string> {
  const wallet = await lets.wallet(lets.admin);
  const { nftId, tx } = buildOraclePoolMintTx({
    ...wallet,
    operatorAddress: lets.admin.address,
    nanoErgPerUsd: WORLD_NANOERG_PER_USD,
  });
  await chain.signSubmitMine(lets.admin.signer, tx);
  return nftId;
}
