// The bridge's routes over real PostgreSQL and the indexer, on a BridgeWorld: a wallet is named by
// `x-test-address` (the marketplace's sign-in is not the adapter's to test). `settle()` mines and indexes.
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErgoAddress } from "@fleet-sdk/core";
import { ChainIndexer, holdingToken, IndexStore, migrateIndex } from "@gpuc/indexer";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { errorHandler, HttpError, mountRoutes, notFound, type RouteInfo } from "@gpuc/platform/http";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import express from "express";
import { bridgeRoutes } from "../bridge.router.ts";
import { type Bridge, createBridge, migrateRosen } from "../bridge.ts";
import type { TokenMapFile } from "../tokens/tokenMapFile.ts";
import type { BridgeWorld } from "./bridge-world.ts";

export interface BridgeApp {
  readonly db: Database;
  /** The routes as mounted (for the fuzz engine). */
  readonly routes: readonly RouteInfo[];
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
  const routes = bridgeRoutes(bridge, { consumer: "consumer", provider: "provider" });
  mountRoutes(app, routes, {
    async authorize(req) {
      // `Authorization: Bearer <address>` too, for the fuzz engine, which sends credentials that way.
      const bearer = req.get("authorization")?.match(/^Bearer (\S+)$/)?.[1];
      const address = req.get("x-test-address") ?? bearer;
      // As the marketplace's sign-in, which only ever names a valid wallet address.
      if (!address || !isAddress(address)) throw new HttpError(401, "sign in with a wallet address");
      return { address };
    },
  });
  app.use(notFound({ docsPath: "/api/v1/openapi.json" }), errorHandler({ log }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    routes,
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

function isAddress(text: string): boolean {
  try {
    return ErgoAddress.validate(text);
  } catch {
    return false; // not even base58
  }
}
