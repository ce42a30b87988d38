import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import type { Instance, Page } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "./core/wait.ts";
import { loadSystemConfig } from "./system/config.ts";
import { type RunningSystem, startSystem } from "./system/start-system.ts";
import { gpuc } from "./testing/market.ts";

// What people see from the commands against the whole system (devnet, marketplace, Bob's executor in Docker, the
// test PostgreSQL of `bash scripts/services.sh`): amounts in ERG and GPUC, tables, exit codes.
describe("gpuc against a started system", () => {
  let database: TestDatabase;
  let dataDir: string;
  let imageDir: string;
  let system: RunningSystem;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let gpuId: string;

  beforeAll(async () => {
    database = await createTestDatabase("cli");
    dataDir = mkdtempSync(join(tmpdir(), "gpuc-cli-system-"));
    chmodSync(dataDir, 0o755);
    imageDir = join(dataDir, "images");
    mkdirSync(imageDir);
    writeFileSync(join(imageDir, "gpuc_broken_1.tar"), "not a tar");
    const config = loadSystemConfig({
      GPUC_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DEVNET_PORT: "0",
      MARKETPLACE_PORT: "0",
      GPUC_HTTP_PORT: "0",
      DEVNET_BLOCK_MS: "500",
      GPUC_BLOCKS_PER_HOUR: "240",
      GPUC_DEMO_FUND_ERG: "200",
      GPUC_EXECUTOR: "on",
      // Holds a broken `docker save` tar: its image passes the pre-check (a tar is there) and fails to load.
      GPUC_IMAGE_DIR: imageDir,
      LOG_LEVEL: "warn",
    });
    system = await startSystem(config, createLogger("gpuc", { level: "warn" }));
    const common = {
      GPUC_MARKETPLACE_URL: system.marketplaceUrl,
      ERGO_NODE_URL: system.nodeUrl,
      GPUC_DEPLOYMENT_FILE: system.deploymentFile,
    };
    alice = { ...common, GPUC_WALLET: system.keys.alice.path };
    bob = { ...common, GPUC_WALLET: system.keys.bob.path };
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("Should fund the arbiter's key, which pays the miner fee of every provider_down refund it signs", async () => {
    // Unfunded, every arbiter refund failed with InsufficientFundsError and the escrows stayed open (crash tests).
    const boxes = await system.chain.unspentByAddress(system.keys.arbiter.address);
    expect(boxes.reduce((sum, box) => sum + BigInt(box.value), 0n)).toBe(10_000_000_000n);
  });

  it("Should exit 5 for `credit show` without an account, and show the balance in ERG and GPUC", async () => {
    const none = await gpuc(["credit", "show"], alice);
    expect(none).toEqual({
      code: 5,
      stdout: "",
      stderr: `gpuc: ${system.keys.alice.address} has no credit account; open one with \`gpuc credit open --collateral <ERG>\`\n`,
    });
    const balance = await gpuc(["wallet", "balance"], alice);
    expect(balance.code, balance.stderr).toBe(0);
    expect(balance.stdout).toBe(
      [
        `address  ${system.keys.alice.address}`,
        "ERG      200 ERG",
        "GPUC     0 GPUC",
        "credit   none (open one with `gpuc credit open --collateral <ERG>`)",
        "",
      ].join("\n"),
    );
  });

  it("Should show the credit line in GPUC and ERG once drawn, and base units as strings with --json", async () => {
    expect((await gpuc(["credit", "open", "--collateral", "30", "-q"], alice)).code).toBe(0);
    expect((await gpuc(["credit", "draw", "10.5", "-q"], alice)).code).toBe(0);
    const show = await gpuc(["credit", "show"], alice);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^debt {8}10\.5 GPUC\ncollateral {2}30 ERG\nbox {9}[0-9a-f]{64}\n$/);
    const json = await gpuc(["credit", "show", "--json"], alice);
    expect(JSON.parse(json.stdout)).toMatchObject({ debt: "10500000", collateral: "30000000000" });
    const balance = await gpuc(["wallet", "balance"], alice);
    expect(balance.stdout).toMatch(
      /\nGPUC {5}10\.5 GPUC\ncredit {3}10\.5 GPUC drawn against 30 ERG of collateral\n$/,
    );
    // 200 ERG less the 30 of collateral and the fees.
    expect(balance.stdout).toMatch(/\nERG {6}169\.99\d* ERG\n/);
  }, 60_000);

  it("Should list Bob's GPU and find it in a table once his executor is online", async () => {
    const listing = join(dataDir, "listing.json");
    const gpu = {
      model: "RTX 4090",
      vramGb: 24,
      count: 1,
      cudaVersion: "12.4",
      cpuCores: 1,
      ramGb: 1,
      diskGb: 1,
      pricePerHour: "1500000",
      minHours: 1,
      maxHours: 24,
    };
    writeFileSync(listing, JSON.stringify({ region: "eu-west", gpus: [gpu] }));
    expect((await gpuc(["provider", "stake", "--erg", "150", "--listing", listing, "-q"], bob)).code).toBe(0);
    const listed = await gpuc(["provider", "list", "--listing", listing, "--name", "rig", "-q"], bob);
    expect(listed.code, listed.stderr).toBe(0);
    const status = await gpuc(["provider", "status"], bob);
    expect(status.stdout).toMatch(
      /^PROVIDER {30}NAME {2}LISTED {2}EXECUTOR\n[0-9a-f-]{36} {2}rig {3}listed {2}/,
    );
    expect(status.stdout).toMatch(/\nstake [0-9a-f]{64}: 150 ERG, bonded\n$/);
    const online = await waitUntil(
      "Bob's offer to be online",
      async () => gpuc(["gpus", "search", "--available", "--json"], alice),
      (run) => (JSON.parse(run.stdout) as Page<{ id: string }>).items.length === 1,
      (run) => run.stdout,
      { timeoutMs: 60_000 },
    );
    gpuId = (JSON.parse(online.stdout) as Page<{ id: string }>).items[0]!.id;
    const table = await gpuc(["gpus", "search", "--sort", "-price"], alice);
    expect(table.stdout).toBe(
      [
        "ID                                    GPU           VRAM  REGION    PRICE/H  HOURS  RELIABILITY  STATUS",
        `${gpuId}  1× RTX 4090  24 GB  eu-west  1.5 GPUC   1-24         1.00  available`,
        "1-1 of 1 offer",
        "",
      ].join("\n"),
    );
  }, 120_000);

  it("Should exit 3 with the executor's reason, before anything is paid, for an image it cannot run", async () => {
    const before = await gpuc(["wallet", "balance", "--json"], alice);
    const rent = await gpuc(
      ["rent", gpuId, "--image", "gpuc/no-such-image:none", "--hours", "1", "--json"],
      alice,
    );
    expect(rent.code, rent.stderr).toBe(3);
    const error = JSON.parse(rent.stderr.trim().split("\n").at(-1)!) as {
      problem: { type: string; reason: string };
    };
    // The marketplace asked the offer's executor first (a real one, over HTTP), and it refused.
    expect(error.problem.type).toBe("urn:gpuc:problem:rental-refused");
    expect(error.problem.reason).toMatch(
      /^Image gpuc\/no-such-image:none is not on this executor and cannot be pulled/,
    );
    const text = await gpuc(["rent", gpuId, "--image", "10.1.2.3:5000/x:1", "--hours", "1"], alice);
    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(
      /^gpuc: POST \/api\/v1\/instances → 422 Unprocessable Content: The provider's executor refuses this rental: .*10\.1\.2\.3:5000/,
    );
    expect((await gpuc(["instances", "--json"], alice)).stdout).not.toContain("no-such-image");
    expect((await gpuc(["wallet", "balance", "--json"], alice)).stdout).toBe(before.stdout);
  }, 180_000);

  it("Should exit 1 when a rental fails after funding, and show the executor's reason in `instances show`", async () => {
    const rent = await gpuc(["rent", gpuId, "--image", "gpuc/broken:1", "--hours", "1", "--json"], alice);
    expect(rent.code, rent.stderr).toBe(1);
    const error = JSON.parse(rent.stderr.trim().split("\n").at(-1)!) as {
      message: string;
      instance: Instance;
    };
    expect(error.instance).toMatchObject({ state: "Failed", closeReason: "provider_rejected" });
    expect(error.instance.closeDetail).toMatch(/^Image gpuc\/broken:1 is unavailable/);
    expect(error.message).toMatch(
      /^Instance [0-9a-f-]{36} failed: Image gpuc\/broken:1 is unavailable .*\(provider_rejected\)/,
    );
    const show = await gpuc(["instances", "show", error.instance.id], alice);
    // The key column is as wide as the longest key shown: "settlement tx" once the refund is in, one wider.
    expect(show.stdout).toMatch(
      /\nclose reason +provider_rejected: the provider's executor refused the rental or could not run it\n/,
    );
    expect(show.stdout).toMatch(/\nwhy +Image gpuc\/broken:1 is unavailable/);
  }, 180_000);

  it("Should rent, list and stop a rental that runs, with amounts in GPUC", async () => {
    const args = ["rent", gpuId, "--image", "gpuc/busybox:test", "--hours", "1", "--cmd", "sleep 60"];
    const rent = await gpuc(args, alice);
    expect(rent.code, rent.stderr).toBe(0);
    expect(rent.stderr).toMatch(/escrow of 1\.5 GPUC to sign/);
    expect(rent.stdout).toMatch(
      /^[0-9a-f-]{36} {2}Running {2}gpuc\/busybox:test {2}1 h × 1\.5 GPUC {2}until /,
    );
    const id = rent.stdout.slice(0, 36);
    const list = await gpuc(["instances"], alice);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID +STATE +IMAGE +HOURS +PRICE\/H +ESCROW +UNTIL$/);
    expect(list.stdout).toMatch(
      new RegExp(`\\n${id} {2}Running +gpuc/busybox:test +1 +1\\.5 GPUC +1\\.5 GPUC {2}\\d{4}-`),
    );
    const stop = await gpuc(["instances", "stop", id, "--wait", "-q"], alice);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^${id} {2}Completed \\(user_stopped\\)`));
  }, 180_000);
});
