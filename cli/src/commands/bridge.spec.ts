import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli.ts";
import { loadSystemConfig } from "../system/config.ts";
import { type RunningSystem, startSystem } from "../system/start-system.ts";

let database: TestDatabase;
let dataDir: string;
let system: RunningSystem;

/** Runs `gpuc …` as Alice against the started system, mining a block every 50 ms meanwhile. */
async function gpuc(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const miner = setInterval(() => void system.devnet!.mine().catch(() => undefined), 50);
  try {
    const code = await runCli(args, {
      env: {
        GPUC_DATA_DIR: dataDir,
        ERGO_NODE_URL: system.nodeUrl,
        GPUC_MARKETPLACE_URL: system.marketplaceUrl,
        GPUC_WALLET: join(dataDir, "wallets", "alice.json"),
      },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
    });
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    clearInterval(miner);
  }
}
const json = async (args: string[]) => {
  const run = await gpuc([...args, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};

beforeAll(async () => {
  database = await createTestDatabase("bridge-cli");
  dataDir = mkdtempSync(join(tmpdir(), "gpuc-bridge-cli-"));
  const config = loadSystemConfig({
    GPUC_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    DEVNET_PORT: "0",
    MARKETPLACE_PORT: "0",
    DEVNET_BLOCK_MS: "0",
    GPUC_EXECUTOR: "off",
    GPUC_WEB: "off",
    GPUC_DEMO_FUND_ERG: "10",
  });
  system = await startSystem(config, createLogger("gpuc", { level: "warn" }));
}, 180_000);
afterAll(async () => {
  await system?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("gpuc bridge (npm start's devnet Rosen Bridge)", () => {
  it("Should list the devnet token map with swap eligibility", async () => {
    const list = await json(["bridge", "tokens"]);
    expect(list.tokens.map((token: { name: string }) => token.name)).toEqual([
      "ERG",
      "rsETH",
      "rsUSDT",
      "SigUSD",
    ]);
    expect(list.lockAddress).toBe(system.rosen!.deployment.lock.address);
  });

  it("Should pay rsUSDT from the devnet guard, show the deposit confirmed, and swap it into GPUC", async () => {
    expect((await gpuc(["bridge", "faucet", "--token", "rsUSDT", "--amount", "50"])).code).toBe(0);
    let deposits = await json(["bridge", "deposits"]);
    for (let i = 0; i < 40 && !deposits.items[0]?.confirmed; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      deposits = await json(["bridge", "deposits"]);
    }
    expect(deposits.items[0]).toMatchObject({ tokenName: "rsUSDT", amount: "50", confirmed: true });
    // The wallet view names the bridged token from the map, in its decimals.
    const balance = await gpuc(["wallet", "balance"]);
    expect(balance.stdout).toMatch(/rsUSDT\s+50\n/);
    expect((await json(["wallet", "balance"])).bridged).toEqual([
      expect.objectContaining({ name: "rsUSDT", amount: "50" }),
    ]);
    // 150 GPUC units per rsUSDT unit (1.5 GPUC per USD), less the 0.3 % swap fee.
    const swap = await json(["bridge", "swap", "--token", "rsUSDT", "--amount", "50"]);
    expect(swap).toMatchObject({ gpucUnits: "74775000", txId: expect.any(String) });
  });

  it("Should refuse a checksummed address with exit 3, naming the lowercase one", async () => {
    const to = "0x52908400098527886E0F7030069857D2E4169EE7";
    const run = await gpuc(["bridge", "withdraw", "--to-chain", "ethereum", "--to", to, "--amount", "20"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(to.toLowerCase());
  });

  it("Should print a withdrawal's quote and unsigned transaction with --dry-run, then lock it for real", async () => {
    const args = [
      "bridge",
      "withdraw",
      "--to-chain",
      "ethereum",
      "--to",
      "0x52908400098527886e0f7030069857d2e4169ee7",
    ];
    const dry = await json([...args, "--amount", "20", "--dry-run"]);
    expect(dry).toMatchObject({ arrives: { amount: "11.7933", token: "USDT" }, bridgeFee: { amount: "1" } });
    expect(dry.unsignedTx.inputs.length).toBeGreaterThan(1);
    const real = await json([...args, "--amount", "20"]);
    const locks = await system.chain.unspentByErgoTree(system.rosen!.deployment.lock.ergoTree);
    expect(locks.map((box) => box.transactionId)).toContain(real.txId);
  });
});
