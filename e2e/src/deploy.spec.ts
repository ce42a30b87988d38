import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Devnet } from "@gpuc/devnet";
import {
  DEFAULT_PARAMS,
  GPUC_SUPPLY,
  NodeChainClient,
  parseConfigBox,
  readDeployment,
  toErgoTree,
} from "@gpuc/offchain";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GPUC = fileURLToPath(new URL("../../cli/bin/gpuc.js", import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("gpuc deploy, as a child process against a started devnet", () => {
  let database: TestDatabase;
  let devnet: Devnet;
  let dir: string;
  let env: Record<string, string>;
  let chain: NodeChainClient;
  const run = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [GPUC, ...args], { env: { ...env, ...extra } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  const walletAddress = () =>
    (JSON.parse(readFileSync(env.GPUC_WALLET!, "utf8")) as { address: string }).address;

  beforeAll(async () => {
    database = await createTestDatabase("e2e_deploy");
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 300, port: 0 });
    dir = mkdtempSync(join(tmpdir(), "gpuc-deploy-"));
    chain = new NodeChainClient(devnet.url);
    env = {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GPUC_WALLET: join(dir, "deployer.json"),
      ERGO_NODE_URL: devnet.url,
    };
  }, 60_000);
  afterAll(async () => {
    await devnet?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("Should refuse to deploy from a wallet without ERG, saying how much it needs (exit 1), before any transaction", async () => {
    expect((await run(["wallet", "new"])).code).toBe(0);
    const out = join(dir, "never.json");
    const result = await run(["deploy", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/holds 0 ERG; deploying needs at least 0\.1 ERG/);
    expect(() => readFileSync(out)).toThrow();
  });

  it("Should deploy with the flags' parameters and the documented defaults, with progress, and write the deployment", async () => {
    const arbiter = (await run(["wallet", "new", "--json"], { GPUC_WALLET: join(dir, "arbiter.json") }))
      .stdout;
    const arbiterAddress = (JSON.parse(arbiter) as { address: string }).address;
    await devnet.faucet(walletAddress(), { nanoErgs: 5_000_000_000n });
    const out = join(dir, "chain", "deployment.json");
    const args = ["deploy", "--out", out, "--fee-bps", "150", "--blocks-per-hour", "12"];
    args.push("--min-stake-per-gpu", "2.5", "--price", "2", "--collateral-ratio", "200");
    args.push("--arbiter", arbiterAddress, "--json");
    const result = await run(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("deploy 1/4 (Config NFT mint): submitted");
    expect(result.stderr).toContain("deploy 4/4 (Config and Bank boxes): 1/1 confirmations");

    const printed = JSON.parse(result.stdout) as { path: string; deployment: { gpucTokenId: string } };
    const deployment = readDeployment(out);
    expect(printed).toMatchObject({ path: out, deployment: { gpucTokenId: deployment.gpucTokenId } });
    const configBox = (await chain.unspentByTokenId(deployment.configNftId))[0]!;
    const config = parseConfigBox(configBox, deployment.configNftId);
    const me = toErgoTree(walletAddress());
    expect(config).toMatchObject({
      ...DEFAULT_PARAMS,
      feeBps: 150,
      blocksPerHour: 12,
      minStakePerGpu: 2_500_000_000n,
      collateralRatioPct: 200,
      price: 2_000_000_000n,
      whitelist: [],
      arbiter: toErgoTree(arbiterAddress),
      admin: me,
      treasury: me,
    });
    const bank = (await chain.unspentByTokenId(deployment.bankNftId))[0]!;
    expect(bank.ergoTree).toBe(deployment.contracts.bank.ergoTree);
    expect(bank.assets.find((asset) => asset.tokenId === deployment.gpucTokenId)?.amount.toString()).toBe(
      GPUC_SUPPLY.toString(),
    );
  }, 120_000);

  it("Should give a working protocol: the CLI draws credit at the deployed price and collateral ratio", async () => {
    const deploymentFile = join(dir, "chain", "deployment.json");
    const withDeployment = { GPUC_DEPLOYMENT_FILE: deploymentFile };
    expect((await run(["credit", "open", "--collateral", "2"], withDeployment)).code).toBe(0);
    // 2 ERG at 2 ERG per GPUC and 200 %: at most 0.5 GPUC.
    const over = await run(["credit", "draw", "0.6"], withDeployment);
    expect(over.code).toBe(1);
    const draw = await run(["credit", "draw", "0.5", "--json"], withDeployment);
    expect(draw.code, draw.stderr).toBe(0);
    expect(JSON.parse(draw.stdout)).toMatchObject({ debt: "500000" });
  }, 60_000);

  it("Should not overwrite an existing deployment file without --force, and refuse bad parameters (exit 2)", async () => {
    const existing = join(dir, "existing.json");
    writeFileSync(existing, "{}\n");
    const [kept, ratio, stable] = await Promise.all([
      run(["deploy", "--out", existing]),
      run(["deploy", "--out", join(dir, "x.json"), "--liquidation-ratio", "300"]),
      run(["deploy", "--out", join(dir, "y.json"), "--stable", "sigusd:100"]),
    ]);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain("pass --force");
    expect(readFileSync(existing, "utf8")).toBe("{}\n");
    expect(ratio.code).toBe(2);
    expect(ratio.stderr).toMatch(/--liquidation-ratio \(300\) must not exceed --collateral-ratio \(150\)/);
    expect(stable.code).toBe(2);
  });
});
