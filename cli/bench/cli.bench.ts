// `npm run bench:cli`: how long `gpuc` takes, as a person runs it (a fresh `node cli/bin/gpuc.js` process each
// time). Starts the whole system in this process on a fresh database of the test PostgreSQL server
// (`bash scripts/services.sh`), lists one GPU offer with Bob's demo wallet, then times RUNS runs each of
// `gpuc --help`, `gpuc gpus search` and `gpuc wallet balance` (Alice's wallet), after one untimed warm-up run each.
// Prints one JSON document: min/median/max ms per command, its target and median/target.

import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase } from "@gpuc/platform/testing";
import { bundleEntry } from "../build/fresh.js";
import { ChainContext } from "../src/core/chain.ts";
import { marketplaceFor } from "../src/core/market.ts";
import { createOutput, listProvider, loadSystemConfig, stakeProvider, startSystem } from "../src/index.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const GPUC = fileURLToPath(new URL("../bin/gpuc.js", import.meta.url));
/** GPUC_CLI_TSX=1 times the sources through tsx instead of the bundle. */
const TSX = process.env.GPUC_CLI_TSX === "1";

/** Targets on a 2-core machine: help prints at once; a one-request command answers within a second. */
const COMMANDS: readonly { readonly args: readonly string[]; readonly targetMs: number }[] = [
  { args: ["--help"], targetMs: 300 },
  { args: ["gpus", "search"], targetMs: 1000 },
  { args: ["wallet", "balance"], targetMs: 1000 },
];

interface Timing {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly target: number;
  readonly ratio: number;
}

function runOnce(args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [GPUC, ...args], { env }, (error, _stdout, stderr) => {
      const ms = performance.now() - started;
      if (error) reject(new Error(`gpuc ${args.join(" ")} failed (${error.code}): ${stderr}`));
      else resolve(ms);
    });
  });
}

function summarize(samples: readonly number[], target: number): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    min: round(sorted[0]!),
    median: round(median),
    max: round(sorted.at(-1)!),
    target,
    ratio: Math.round((median / target) * 100) / 100,
  };
}

// The bundle is built (or found fresh) before timing, as `npm install` leaves it.
const bundle = TSX ? undefined : await bundleEntry();
const database = await createTestDatabase("bench_cli");
const dataDir = mkdtempSync(join(tmpdir(), "gpuc-bench-cli-"));
chmodSync(dataDir, 0o755);
const config = loadSystemConfig({
  GPUC_DATA_DIR: dataDir,
  DATABASE_URL: database.url,
  DEVNET_PORT: "0",
  MARKETPLACE_PORT: "0",
  GPUC_HTTP_PORT: "0",
  DEVNET_BLOCK_MS: "500",
  GPUC_EXECUTOR: "off",
  LOG_LEVEL: "warn",
});
const system = await startSystem(config, createLogger("gpuc", { level: "warn" }));
try {
  // One offer to find, so `gpus search` prints a table rather than "No GPU offers match".
  const quiet = createOutput({ quiet: true, stdout: () => {} });
  const bob = {
    wallet: system.keys.bob,
    chain: new ChainContext(system.nodeUrl, system.deployment, quiet),
    market: marketplaceFor(system.marketplaceUrl, system.keys.bob.signer),
    output: quiet,
  };
  const listing = {
    region: "eu-west",
    gpus: [
      {
        model: "RTX 4090",
        vramGb: 24,
        count: 1,
        cudaVersion: "12.4",
        cpuCores: 8,
        ramGb: 32,
        diskGb: 200,
        pricePerHour: "1500000",
        minHours: 1,
        maxHours: 72,
      },
    ],
  };
  await stakeProvider(bob, { nanoErgs: 20_000_000_000n, listing });
  await listProvider(bob, { name: "bench-rig", listing });

  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dataDir,
    GPUC_WALLET: system.keys.alice.path,
    GPUC_MARKETPLACE_URL: system.marketplaceUrl,
    ERGO_NODE_URL: system.nodeUrl,
    GPUC_DEPLOYMENT_FILE: system.deploymentFile,
    ...(TSX ? { GPUC_CLI_TSX: "1" } : {}),
  };
  const results: Record<string, Timing> = {};
  for (const { args, targetMs } of COMMANDS) {
    await runOnce(args, env); // warm-up: file caches (and tsx's transform cache)
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) samples.push(await runOnce(args, env));
    results[`gpuc ${args.join(" ")}`] = summarize(samples, targetMs);
  }
  console.log(
    JSON.stringify(
      {
        bench: "cli",
        runs: RUNS,
        warmupRuns: 1,
        // `dist`: the bundle in cli/dist ran; `tsx`: the sources through tsx's loader.
        mode: bundle ? "dist" : "tsx",
        node: process.version,
        cpus: cpus().length,
        unit: "ms (wall clock, process start to exit)",
        commands: results,
      },
      null,
      2,
    ),
  );
} finally {
  await system.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
