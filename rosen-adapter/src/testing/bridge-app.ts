// The bridge's routes over real PostgreSQL and the indexer, on a BridgeWorld: a wallet is named by
// `x-test-address` (the marketplace's sign-in is not the adapter's to test). `settle()` mines and indexes.
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChainIndexer, holdingToken, IndexStore, migrateIndex } from "@gpuc/indexer";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { errorHandler, HttpError, mountRoutes } from "@gpuc/platform/http";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import express from "express";
import { bridgeRoutes } from "../bridge.router.ts";
import { type Bridge, createBridge, migrateRosen } from "../bridge.ts";
import type { TokenMapFile } from "../tokens/tokenMapFile.ts";
import type { BridgeWorld } from "./bridge-world.ts";

export interface BridgeApp {
  readonly db: Database;
  readonly bridge: Bridge;
  readonly indexer: ChainIndexer;
  readonly url: string;
  /** Mines `blocks` blocks, indexing after each. */
  settle(blocks?: number): Promise<void>;
  /** A JSON call as `address`. */
  call(method: string, path: string, address?: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startBridgeApp(
  world: BridgeWorld,
  options: { tokenMap?: TokenMapFile; confirmations?: number } = {},
): Promise<BridgeApp> {
  const database: TestDatabase = await createTestDatabase("rosen");
  const db = new Database(createPool(database.url));
  await migrateIndex(db);
  await migrateRosen(db);
  const mapFile = join(tmpdir(), `gpuc-rosen-map-${process.pid}-${Date.now()}.json`);
  writeFileSync(mapFile, JSON.stringify(options.tokenMap ?? world.rosen.tokenMap));
  const bridge = await createBridge({
    db,
    chain: world.chain.client,
    nodeUrl: world.chain.devnet.url,
    deployment: world.lets.deployment,
    config: {
      tokenMap: mapFile,
      lockAddress: world.rosen.lock.address,
      minFeeNft: world.rosen.minFeeNftId,
      confirmations: options.confirmations ?? 3,
      rosenAppUrl: "https://app.rosen.tech",
      poolNftId: world.poolNftId,
      network: "testnet",
    },
  });
  const log = createLogger("rosen.test", { level: "warn" });
  const indexer = new ChainIndexer({
    source: world.chain.client,
    db,
    store: new IndexStore(db),
    log,
    startHeight: 1,
    pollMs: 60_000,
    gpucTokenId: world.lets.deployment.gpucTokenId,
  })
    .addRule(holdingToken("wallet", world.lets.deployment.gpucTokenId))
    .addRule(bridge.rule)
    .subscribe(bridge.subscriber);
  await indexer.syncOnce();
  const app = express().use(express.json());
  mountRoutes(app, bridgeRoutes(bridge, { consumer: "consumer", provider: "provider" }), {
    async authorize(req) {
      const address = req.get("x-test-address");
      if (!address) throw new HttpError(401, "sign in");
      return { address };
    },
  });
  app.use(errorHandler({ log }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    bridge,
    indexer,
    url,
    async settle(blocks = 1) {
      for (let i = 0; i < blocks; i++) {
        await world.chain.mine();
        await indexer.syncOnce();
      }
    },
    call(method, path, address, body) {
      return fetch(`${url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(address ? { "x-test-address": address } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    async stop() {
      await indexer.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await database.drop();
    },
  };
}
