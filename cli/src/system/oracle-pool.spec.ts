import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOraclePool, toErgoTree } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli.ts";
import { nanoErgPerUsdOf } from "../commands/devnet.run.ts";
import { ensureWalletFile, type Wallet } from "../core/wallet-file.ts";
import { loadSystemConfig } from "./config.ts";
import {
  ensureDevnetOraclePool,
  NotPoolOperatorError,
  oraclePoolFile,
  StaleOraclePoolError,
  setDevnetOracleRate,
} from "./oracle-pool.ts";
import { startSystem } from "./start-system.ts";

let chain: TestChain;
let dataDir: string;
let admin: Wallet;
let nftId: string;

const confirm = async () => {
  await chain.mine();
};
const ensure = (dir = dataDir) =>
  ensureDevnetOraclePool({
    chain: chain.client,
    devnet: chain.devnet,
    operator: admin,
    dataDir: dir,
    nanoErgPerUsd: 1_500_000_000n,
    confirm,
  });
const read = () => readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: 1_000 });

/** Runs `gpuc …` in this process against the test devnet, mining a block every 50 ms meanwhile. */
async function gpuc(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const miner = setInterval(() => void chain.mine().catch(() => undefined), 50);
  try {
    const code = await runCli(args, {
      env: { GPUC_DATA_DIR: dataDir, ERGO_NODE_URL: chain.devnet.url, ...env },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
    });
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    clearInterval(miner);
  }
}

beforeAll(async () => {
  chain = await startTestChain();
  dataDir = mkdtempSync(join(tmpdir(), "gpuc-oracle-pool-"));
  admin = ensureWalletFile(join(dataDir, "wallets", "admin.json"));
});
afterAll(async () => {
  await chain?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("The devnet oracle pool of npm start", () => {
  it("Should mint the pool once, funding an operator that has no ERG, and name it in the data dir", async () => {
    const pool = await ensure();
    nftId = pool.nftId;
    expect(pool.file).toBe(oraclePoolFile(dataDir));
    await expect(read()).resolves.toMatchObject({ nanoErgPerUsd: 1_500_000_000n, epoch: 1 });
    const [box] = await chain.client.unspentByTokenId(nftId);
    expect(box!.ergoTree).toBe(toErgoTree(admin.address));
  });

  it("Should resume the same pool on a second start, sending nothing", async () => {
    const height = await chain.client.height();
    await expect(ensure()).resolves.toEqual({ nftId, file: oraclePoolFile(dataDir) });
    expect(await chain.client.height()).toBe(height);
  });

  it("Should refuse a pool file that names an NFT this chain does not have", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gpuc-oracle-stale-"));
    try {
      const file = oraclePoolFile(dir);
      writeFileSync(
        file,
        JSON.stringify({ nftId: "ab".repeat(32), operator: admin.address, createdAtHeight: 1 }),
      );
      await expect(ensure(dir)).rejects.toThrow(StaleOraclePoolError);
      await expect(ensure(dir)).rejects.toThrow(`delete that file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Should post a new rate with the operator's key: epoch + 1, the age back to 1 block", async () => {
    await chain.devnet.mineBlocks(5);
    const set = await setDevnetOracleRate({
      chain: chain.client,
      operator: admin,
      nftId,
      nanoErgPerUsd: 2_000_000_000n,
      confirm,
    });
    expect(set).toMatchObject({
      previousNanoErgPerUsd: 1_500_000_000n,
      nanoErgPerUsd: 2_000_000_000n,
      epoch: 2,
    });
    await expect(read()).resolves.toMatchObject({ nanoErgPerUsd: 2_000_000_000n, epoch: 2, ageBlocks: 1 });
  });

  it("Should refuse to post with a key that does not own the pool", async () => {
    const other = await chain.wallet({ nanoErgs: 1_000_000_000n });
    const options = { chain: chain.client, operator: other, nftId, nanoErgPerUsd: 1n, confirm };
    await expect(setDevnetOracleRate(options)).rejects.toThrow(NotPoolOperatorError);
  });
});

describe("gpuc devnet oracle-rate", () => {
  it("Should post a USD-per-ERG rate and print it, as text and as JSON", async () => {
    const posted = await gpuc(["devnet", "oracle-rate", "0.8"]);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).toMatch(
      /^Posted 1 ERG = \$0\.8 \(1250000000 nanoERG per USD\) to the devnet oracle pool, epoch 3\nwas 1 ERG = \$0\.5; transaction [0-9a-f]{64}\n$/,
    );
    await expect(read()).resolves.toMatchObject({ nanoErgPerUsd: 1_250_000_000n, epoch: 3 });

    const json = await gpuc(["devnet", "oracle-rate", "0.65", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      nftId,
      nanoErgPerUsd: "1538461538",
      previousNanoErgPerUsd: "1250000000",
      epoch: 4,
      usdPerErg: "0.65",
    });
  });

  it("Should show the current rate without an argument", async () => {
    const shown = await gpuc(["devnet", "oracle-rate"]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("1 ERG = $0.65 (1538461538 nanoERG per USD)");
    expect(shown.stdout).toMatch(/epoch +4\n/);
  });

  it("Should exit 2 for a rate that is not a positive decimal, and 5 without a pool file", async () => {
    for (const bad of ["abc", "0", "-1", "1e3"]) {
      const result = await gpuc(["devnet", "oracle-rate", bad]);
      expect(result.code, `${bad}: ${result.stderr}`).toBe(2);
    }
    const empty = mkdtempSync(join(tmpdir(), "gpuc-oracle-none-"));
    try {
      const none = await gpuc(["devnet", "oracle-rate"], { GPUC_DATA_DIR: empty });
      expect(none.code).toBe(5);
      expect(none.stderr).toContain("run `npm start`");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("Should convert USD per ERG to nanoERG per USD, rounding to the nearest", () => {
    expect(nanoErgPerUsdOf("0.6", "")).toBe(1_666_666_667n);
    expect(nanoErgPerUsdOf("2", "")).toBe(500_000_000n);
    expect(nanoErgPerUsdOf("0.000000001", "")).toBe(1_000_000_000_000_000_000n);
    expect(() => nanoErgPerUsdOf("3000000000", "usage")).toThrow(/too high/);
  });
});

describe("npm start (devnet)", () => {
  let database: TestDatabase;
  let systemDir: string;
  beforeAll(async () => {
    database = await createTestDatabase("oracle");
    systemDir = mkdtempSync(join(tmpdir(), "gpuc-oracle-system-"));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(systemDir, { recursive: true, force: true });
  });

  it("Should mint the oracle pool on the first start at ORACLE_NANOERG_PER_USD and resume it on the second", async () => {
    const config = loadSystemConfig({
      GPUC_DATA_DIR: systemDir,
      DATABASE_URL: database.url,
      DEVNET_PORT: "0",
      MARKETPLACE_PORT: "0",
      DEVNET_BLOCK_MS: "0",
      GPUC_EXECUTOR: "off",
      GPUC_DEMO_FUND_ERG: "0",
      ORACLE_NANOERG_PER_USD: "1600000000",
    });
    const log = createLogger("gpuc", { level: "warn" });
    const first = await startSystem(config, log);
    const pool = first.oraclePool!;
    try {
      const reading = await readOraclePool(first.chain, { poolNftId: pool.nftId, maxAgeBlocks: 1_000 });
      expect(reading).toMatchObject({ nanoErgPerUsd: 1_600_000_000n, epoch: 1 });
      expect(reading.box.ergoTree).toBe(toErgoTree(first.keys.admin.address));
    } finally {
      await first.stop();
    }
    const second = await startSystem(config, log);
    try {
      expect(second.oraclePool).toEqual(pool);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
