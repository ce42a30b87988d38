import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfigBox } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { deployForTest, type LetsFixture } from "@gpuc/offchain/testing/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devnetRosenEnv, ensureDevnetRosen, rosenFile } from "./rosen-bridge.ts";

let chain: TestChain;
let lets: LetsFixture;
let dataDir: string;

const ensure = () =>
  ensureDevnetRosen({
    chain: chain.client,
    devnet: chain.devnet,
    gpuc: lets.deployment,
    admin: lets.admin.signer,
    dataDir,
    keysDir: join(dataDir, "keys"),
    nanoErgPerUsd: 1_500_000_000n,
    confirm: () => chain.mine(),
  });

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  dataDir = mkdtempSync(join(tmpdir(), "gpuc-rosen-"));
}, 120_000);
afterAll(async () => {
  await chain?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("The devnet Rosen Bridge of npm start", () => {
  it("Should deploy Rosen's layouts once, write its token map, and whitelist the map's stables", async () => {
    const rosen = await ensure();
    expect(existsSync(rosenFile(dataDir))).toBe(true);
    const map = JSON.parse(readFileSync(rosen.tokenMapFile, "utf8"));
    expect(map.tokens.map((set: { ergo?: { name: string } }) => set.ergo?.name)).toEqual([
      "ERG",
      "rsUSDT",
      "SigUSD",
      "rsETH",
    ]);
    // 1 GPUC = 1 ERG, 1.5 ERG per USD: 1.5 GPUC per USD: 150 units per rsUSDT unit (4 decimals), 15,000 per cent.
    const config = parseConfigBox(await lets.configBox());
    const rsUsdt = map.tokens[1].ergo.tokenId;
    const sigUsd = map.tokens[2].ergo.tokenId;
    expect(config.whitelist).toEqual([
      { tokenId: rsUsdt, rate: 150n },
      { tokenId: sigUsd, rate: 15_000n },
    ]);
    expect(await chain.client.unspentByTokenId(rosen.deployment.minFeeNftId)).toHaveLength(5);
    expect(devnetRosenEnv(rosen, "ab".repeat(32))).toMatchObject({
      ROSEN_TOKEN_MAP: rosen.tokenMapFile,
      ROSEN_LOCK_ADDRESS: rosen.deployment.lock.address,
      ROSEN_MIN_FEE_NFT: rosen.deployment.minFeeNftId,
    });
  });

  it("Should resume the same deployment on a second start, sending nothing", async () => {
    const height = await chain.client.height();
    const first = JSON.parse(readFileSync(rosenFile(dataDir), "utf8"));
    const again = await ensure();
    expect(again.deployment.guardNftId).toBe(first.guardNftId);
    expect(await chain.client.height()).toBe(height);
  });
});
