import { compileDeployment } from "@gpuc/ergoscript";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { jwksSchema, statusSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "./core/config.ts";
import { startMarketplace } from "./server.ts";

describe("startMarketplace", () => {
  let chain: TestChain;
  let database: TestDatabase;
  beforeAll(async () => {
    chain = await startTestChain();
    database = await createTestDatabase("marketplace_server");
  });
  afterAll(async () => {
    await chain.stop();
    await database.drop();
  });

  it("Should serve the API on its port and index the chain in the background, then stop cleanly", async () => {
    const market = await startMarketplace(
      defaultConfig({
        port: 0,
        databaseUrl: database.url,
        ergoNodeUrl: chain.devnet.url,
        indexer: { pollMs: 20, startHeight: 1 },
      }),
      {
        deployment: compileDeployment(
          { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: "ee".repeat(32) },
          "testnet",
          1,
        ),
        log: createLogger("marketplace-api", { level: "error" }),
      },
    );
    try {
      const height = await chain.client.height();
      let status = statusSchema.parse(await (await fetch(`${market.url}/api/v1/status`)).json());
      for (let i = 0; i < 100 && status.indexer.height !== height; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = statusSchema.parse(await (await fetch(`${market.url}/api/v1/status`)).json());
      }
      expect(status.indexer).toEqual({
        enabled: true,
        height,
        headerId: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const jwks = jwksSchema.parse(await (await fetch(`${market.url}/.well-known/jwks.json`)).json());
      expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    } finally {
      await market.stop();
    }
    await expect(fetch(`${market.url}/api/v1/status`)).rejects.toThrow();
  });
});
