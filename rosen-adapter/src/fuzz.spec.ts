import { fundedKey } from "@gpuc/offchain/testing/protocol";
import { fuzzRoutes, routeKey } from "@gpuc/platform/fuzz";
import type { RouteInfo } from "@gpuc/platform/http";
import { bridgeSwapSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BridgeApp, startBridgeApp } from "./testing/bridge-app.ts";
import { type BridgeWorld, startBridgeWorld } from "./testing/bridge-world.ts";

let world: BridgeWorld;
let app: BridgeApp;
let wallet: string;

beforeAll(async () => {
  world = await startBridgeWorld();
  await world.proposeWhitelist();
  app = await startBridgeApp(world);
  const alice = await fundedKey(world.chain, 10_000_000_000n);
  await world.guardPay(alice.address, "rsUSDT", 1_000_000n);
  // Half swapped into GPUC, so withdrawal quotes have GPUC to spend and the Bank a reserve to pay them from.
  const swap = await app.call("POST", "/api/v1/bridge/swaps", alice.address, {
    token: "rsUSDT",
    amount: "50",
  });
  await world.send(alice, bridgeSwapSchema.parse(await swap.json()).unsignedTx as never);
  wallet = alice.address;
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

// The stream never ends by design; the fuzz engine waits for whole replies.
const fuzzed = () => app.routes.filter((route) => !route.path.endsWith("/stream"));

describe("The bridge routes under fuzz", () => {
  it("Should answer every generated request without a 5xx, each 4xx a problem saying what is wrong", async () => {
    const samples: Record<string, readonly string[]> = {
      token: ["rsUSDT"],
      toChain: ["ethereum"],
      toAddress: ["0x52908400098527886e0f7030069857d2e4169ee7"],
      amount: ["1", "10.5"],
      gpuc: ["20"],
    };
    const target = {
      baseUrl: app.url,
      routes: fuzzed(),
      samples: (property: string) => samples[property] ?? [],
      // The whitelist proposal is the Config admin's; every other route any wallet's.
      validCredential: async (route: RouteInfo) =>
        route.path.includes("whitelist") ? world.lets.admin.address : wallet,
    };
    const report = await fuzzRoutes(target, { runs: 60, seed: 15 });
    expect(Object.keys(report.routes)).toEqual(fuzzed().map(routeKey));
    const findings = Object.entries(report.routes).flatMap(([key, r]) =>
      [...r.fiveXx, ...r.violationSamples].map((f) => ({ key, ...f })),
    );
    expect(findings).toEqual([]);
    // The fuzz must reach the handlers, not only the validators: some requests of every route succeed, but the
    // withdrawal, whose success needs five fields right at once (its handler is exercised by withdraw.spec.ts).
    const quiet = Object.entries(report.routes).filter(([, r]) => (r.byClass["2xx"] ?? 0) === 0);
    expect(quiet.map(([key]) => key)).toEqual(["POST /api/v1/bridge/withdrawals/quote"]);
    expect(report.routes["POST /api/v1/bridge/withdrawals/quote"]!.byClass["4xx"]).toBeGreaterThan(0);
  }, 300_000);
});
