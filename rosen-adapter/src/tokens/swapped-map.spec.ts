import { fundedKey, type TestKey } from "@gpuc/offchain/testing/protocol";
import { bridgeSwapSchema, bridgeTokensSchema, whitelistProposalSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BridgeApp, startBridgeApp } from "../testing/bridge-app.ts";
import { type BridgeWorld, startBridgeWorld } from "../testing/bridge-world.ts";
import { parseTokenMapFile, type TokenMapFile } from "./tokenMapFile.ts";

let world: BridgeWorld;
let app: BridgeApp;
let erin: TestKey & { tokenIds: string[] };

/** The devnet map without its USDT set, and with a new stable (rsUSDC from Ethereum) minted on the devnet. */
function swappedMap(devnet: TokenMapFile, usdcOnErgo: string): TokenMapFile {
  const withoutUsdt = devnet.tokens.filter((set) => set.ergo?.name !== "rsUSDT");
  const usdt = devnet.tokens.find((set) => set.ergo?.name === "rsUSDT")!.ergo!.tokenId;
  const usdc = {
    ethereum: {
      tokenId: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
      name: "USDC",
      decimals: 6,
      type: "ERC-20",
      residency: "native" as const,
      extra: {},
    },
    ergo: {
      tokenId: usdcOnErgo,
      name: "rsUSDC",
      decimals: 6,
      type: "EIP-004",
      residency: "wrapped" as const,
      extra: {},
    },
  };
  return parseTokenMapFile({
    ...devnet,
    version: "devnet-2",
    usdPegged: [...devnet.usdPegged.filter((id) => id !== usdt), usdcOnErgo],
    tokens: [...withoutUsdt, usdc],
  });
}

beforeAll(async () => {
  world = await startBridgeWorld();
  erin = await fundedKey(world.chain, 10_000_000_000n, [
    { amount: 1_000_000_000n, name: "rsUSDC", decimals: 6 },
  ]);
  const map = swappedMap(world.rosen.tokenMap, erin.tokenIds[0]!);
  // First the devnet map's whitelist (rsUSDT and SigUSD); the swapped map's is proposed through its route below.
  await world.proposeWhitelist();
  app = await startBridgeApp(world, { tokenMap: map });
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

describe("A swapped token map (no USDT, a new stable), no code change", () => {
  it("Should propose the swapped map's whitelist to the Config admin only, who signs it", async () => {
    const refused = await app.call("GET", "/api/v1/bridge/whitelist/proposal", erin.address);
    expect(refused.status).toBe(403);
    const response = await app.call("GET", "/api/v1/bridge/whitelist/proposal", world.lets.admin.address);
    const proposal = whitelistProposalSchema.parse(await response.json());
    // rsUSDT is on the whitelist still, but this map does not know it: it has no name here, and goes.
    expect(proposal.current.map((entry) => entry.name)).toEqual([null, "SigUSD"]);
    expect(proposal.proposed).toEqual([
      { tokenId: erin.tokenIds[0], name: "rsUSDC", rate: "2" },
      { tokenId: world.registry.resolve("SigUSD").tokenId, name: "SigUSD", rate: "20000" },
    ]);
    await world.send(world.lets.admin, proposal.unsignedTx as never);
    const again = whitelistProposalSchema.parse(
      await (await app.call("GET", "/api/v1/bridge/whitelist/proposal", world.lets.admin.address)).json(),
    );
    expect(again).toMatchObject({ unchanged: true, unsignedTx: null });
  });

  it("Should list the new stable as swappable and USDT not at all", async () => {
    const tokens = bridgeTokensSchema.parse(await (await app.call("GET", "/api/v1/bridge/tokens")).json());
    const names = tokens.tokens.map((token) => token.name);
    expect(tokens.mapVersion).toBe("devnet-2");
    expect(names).toContain("rsUSDC");
    expect(names).not.toContain("rsUSDT");
    expect(tokens.tokens.find((token) => token.name === "rsUSDC")).toMatchObject({
      swappable: true,
      rate: "2",
    });
  });

  it("Should swap the new stable into GPUC, and refuse USDT as a token the map does not know", async () => {
    const response = await app.call("POST", "/api/v1/bridge/swaps", erin.address, {
      token: "rsUSDC",
      amount: "10",
    });
    const swap = bridgeSwapSchema.parse(await response.json());
    expect(swap.gpucUnits).toBe("19940000");
    await world.send(erin, swap.unsignedTx as never);
    expect(await world.held(erin.address, world.lets.deployment.gpucTokenId)).toBe(19_940_000n);
    const usdt = await app.call("POST", "/api/v1/bridge/swaps", erin.address, {
      token: "rsUSDT",
      amount: "1",
    });
    expect(usdt.status).toBe(404);
    expect(await usdt.json()).toMatchObject({ type: "urn:gpuc:problem:unknown-token" });
  });

  it("Should take USDT off the Config whitelist it proposes (the Bank holds no USDT reserve)", async () => {
    const { parseConfigBox } = await import("@gpuc/offchain");
    const config = parseConfigBox(await world.lets.configBox());
    const usdt = world.rosen.tokenMap.tokens.find((set) => set.ergo?.name === "rsUSDT")!.ergo!.tokenId;
    expect(config.whitelist.map((entry) => entry.tokenId)).not.toContain(usdt);
    expect(config.whitelist.map((entry) => entry.tokenId)).toContain(erin.tokenIds[0]);
  });
});
