import { execFile } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "./system.ts";

const GPUC = fileURLToPath(new URL("../../cli/bin/gpuc.js", import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("the gpuc CLI, as a child process against a started system", () => {
  let test: TestSystem;
  let env: Record<string, string>;
  const run = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [GPUC, ...args], { env: { ...env, ...extra } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  const json = <T>(result: Run): T => {
    expect(result.stderr.split("\n").filter((l) => l.startsWith("gpuc:"))).toEqual([]);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    test = await startTestSystem({ GPUC_EXECUTOR: "off" });
    env = {
      PATH: process.env.PATH ?? "",
      HOME: test.dataDir,
      GPUC_WALLET: join(test.dataDir, "cli-wallet.json"),
      GPUC_MARKETPLACE_URL: test.system.marketplaceUrl,
      ERGO_NODE_URL: test.system.nodeUrl,
      GPUC_DEPLOYMENT_FILE: test.system.deploymentFile,
    };
  }, 120_000);
  afterAll(() => test?.stop(), 60_000);

  it("Should create a wallet file readable only by its owner, and refuse to overwrite it", async () => {
    const created = json<{ address: string; path: string }>(await run(["wallet", "new", "--json"]));
    expect(created.address).toMatch(/^3W/);
    expect(statSync(env.GPUC_WALLET!).mode & 0o777).toBe(0o600);
    const again = await run(["wallet", "new"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("Should open a credit line, draw GPUC and show the balance from the chain, with progress on stderr", async () => {
    json(await run(["wallet", "faucet", "--erg", "50", "--json"]));
    const open = await run(["credit", "open", "--collateral", "20"]);
    expect(open.code).toBe(0);
    expect(open.stderr).toContain("1/1 confirmations");
    const draw = json<{ debt: string }>(await run(["credit", "draw", "5", "--json"]));
    expect(draw.debt).toBe("5000000");
    const balance = json<{ gpuc: string; credit: { debt: string; collateral: string } }>(
      await run(["wallet", "balance", "--json"]),
    );
    expect(balance.gpuc).toBe("5000000");
    expect(balance.credit).toMatchObject({ debt: "5000000", collateral: "20000000000" });
  }, 60_000);

  it("Should refuse a draw beyond the collateral ratio with the builder's explanation (exit 1)", async () => {
    const draw = await run(["credit", "draw", "1000"]);
    expect(draw.code).toBe(1);
    expect(draw.stderr).toMatch(/^gpuc: .*collateral/im);
  });

  it("Should stake, list a GPU with an executor API key, and find it by search", async () => {
    const listing = join(test.dataDir, "listing.json");
    writeFileSync(
      listing,
      JSON.stringify({
        region: "eu-west",
        gpus: [
          {
            model: "RTX 4090",
            vramGb: 24,
            count: 1,
            cudaVersion: "12.4",
            cpuCores: 2,
            ramGb: 4,
            diskGb: 20,
            pricePerHour: "1500000",
            minHours: 1,
            maxHours: 24,
          },
        ],
      }),
    );
    const bob = { GPUC_WALLET: test.system.keys.bob.path };
    const stake = json<{ stakeBoxId: string; nanoErgs: string }>(
      await run(["provider", "stake", "--erg", "15", "--listing", listing, "--json"], bob),
    );
    expect(stake.nanoErgs).toBe("15000000000");
    const listed = json<{ provider: { id: string; listed: boolean }; apiKey: string }>(
      await run(["provider", "list", "--listing", listing, "--name", "rig", "--api-key", "--json"], bob),
    );
    expect(listed.provider.listed).toBe(true);
    expect(listed.apiKey).toMatch(/^gpuc_/);
    const search = json<{ items: { providerId: string; pricePerHour: string }[] }>(
      await run(["gpus", "search", "--gpu-name", "4090", "--max-price", "2", "--json"]),
    );
    expect(search.items).toContainEqual(
      expect.objectContaining({ providerId: listed.provider.id, pricePerHour: "1500000" }),
    );
  }, 90_000);

  it("Should show the marketplace's problem details and exit 3 on an API error", async () => {
    const result = await run(["gpus", "search", "--sort", "cheapest"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/GET \/api\/v1\/gpus\?sort=cheapest → 400/);
  });

  it("Should exit 4 when the marketplace is unreachable, 2 on a usage error, and report JSON errors with --json", async () => {
    const [unreachable, usage, jsonError] = await Promise.all([
      run(["gpus", "search"], { GPUC_MARKETPLACE_URL: "http://127.0.0.1:1" }),
      run(["credit", "frobnicate"]),
      run(["credit", "repay", "1", "--json"], { GPUC_WALLET: join(test.dataDir, "nobody.json") }),
    ]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain("unreachable");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("gpuc credit draw");
    expect(JSON.parse(jsonError.stderr)).toMatchObject({ error: "WalletMissingError", exitCode: 1 });
  });
});
