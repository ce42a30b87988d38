// `npm run bench:devnet`: simple transfers validated per second through the HTTP API (POST /transactions), through
// the in-process `submit`, and raw ergo-lib `validate_tx`, side by side in each round. Transfers are built and
// signed beforehand, so signing is not measured. Prints one JSON object: each rate's median over the rounds (as
// `txPerSec`) with its min/median/max, and the submit rates as ratios of raw `validate_tx`. `--quick` (or
// BENCH_QUICK=1): fewer transfers and rounds, well under a minute.
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { createLogger } from "@gpuc/platform";
import { type Summary, summarize } from "@gpuc/platform/bench";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { ErgoBoxes, Transaction, validate_tx } from "ergo-lib-wasm-nodejs";
import { Devnet } from "../src/index.ts";
import { fundedWallet, type SignedTx, TestWallet } from "../src/testing/wallet.ts";
import { toWireBox } from "../src/tx/json.ts";
import type { Box } from "../src/tx/types.ts";
import type { SubmitJob, SubmitOutcome } from "./submit-client.ts";

export interface DevnetBenchOptions {
  /** Transfers per phase and round (default 1000, BENCH_TRANSFERS; quick 300). */
  readonly transfers?: number;
  /** Rounds, each HTTP + in-process + raw validate_tx side by side (default 3; quick 2). */
  readonly rounds?: number;
  readonly quick?: boolean;
}

interface Rate extends Summary {
  /** The median, under the name the bench has always reported. */
  readonly txPerSec: number;
  readonly msPerTx: number;
}

export interface DevnetBenchReport {
  readonly benchmark: "devnet";
  readonly database: string;
  readonly transfer: string;
  readonly rounds: number;
  readonly transfersPerPhase: number;
  readonly httpSubmit: Rate & { readonly concurrency: number; readonly client: string };
  readonly inProcessSubmit: Rate;
  readonly rawValidateTx: Rate;
  /** Submit rates over raw validate_tx in the same round (median over rounds); issue 17 asks HTTP ≥ 0.5. */
  readonly ratioToRaw: { readonly httpSubmit: Summary; readonly inProcessSubmit: Summary };
  readonly mineBlock: { readonly txs: number; readonly msPerTx: Summary };
  readonly signing: { readonly msPerTx: number; readonly note: string };
}

const HTTP_CONCURRENCY = 8;
const RAW_SECONDS = 2;
const FAN_OUT = 200;
// The client is TypeScript too: its worker registers tsx first (a worker does not inherit the loader).
const CLIENT_BOOT = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.resolve("./submit-client.ts"))}); })`;

interface Round {
  http: number;
  inProcess: number;
  raw: number;
  mineMsPerTx: number;
  minedTxs: number;
}

/** Runs the rounds on a fresh devnet (a throwaway database) and returns the report `npm run bench:devnet` prints. */
export async function runDevnetBench(options: DevnetBenchOptions = {}): Promise<DevnetBenchReport> {
  const quick = options.quick ?? false;
  const transfers = options.transfers ?? (quick ? 300 : 1000);
  const rounds = options.rounds ?? (quick ? 2 : 3);
  const { devnet, database, kind } = await startDevnet();
  try {
    const alice = await fundedWallet(devnet, 10_000_000_000_000n);
    const bob = new TestWallet();
    const results: Round[] = [];
    let signMs = 0;
    for (let round = 0; round < rounds; round++) {
      const boxes = await fanOut(devnet, alice, transfers * 2);
      const signStarted = performance.now();
      const signed = boxes.map((box) =>
        alice.sign(alice.payment(devnet, [box], bob.address, 1_000_000n), devnet),
      );
      signMs += performance.now() - signStarted;
      results.push(await runRound(devnet, signed, boxes[0]!, transfers));
    }
    return report(results, { kind, transfers, signMsPerTx: signMs / (rounds * transfers * 2) });
  } finally {
    await devnet.stop();
    await database?.drop();
  }
}

async function runRound(devnet: Devnet, signed: SignedTx[], input: Box, transfers: number): Promise<Round> {
  // Raw validate_tx half before the submissions and half after: the machine's load moves, and the ratio should
  // compare like with like.
  const rawBefore = rawValidate(devnet, signed[0]!, input);
  const httpMs = await submitOverHttp(devnet.url, signed.slice(0, transfers));
  const inProcessStarted = performance.now();
  for (const tx of signed.slice(transfers)) await devnet.submit(tx);
  const inProcessMs = performance.now() - inProcessStarted;
  const mineStarted = performance.now();
  const mined = await devnet.mine();
  const mineMs = performance.now() - mineStarted;
  const rawAfter = rawValidate(devnet, signed[0]!, input);
  const raw = { count: rawBefore.count + rawAfter.count, ms: rawBefore.ms + rawAfter.ms };
  return {
    http: (transfers / httpMs) * 1000,
    inProcess: (transfers / inProcessMs) * 1000,
    raw: (raw.count / raw.ms) * 1000,
    mineMsPerTx: mineMs / mined.txIds.length,
    minedTxs: mined.txIds.length,
  };
}

function report(
  rounds: readonly Round[],
  run: { kind: string; transfers: number; signMsPerTx: number },
): DevnetBenchReport {
  const rate = (pick: (round: Round) => number): Rate => {
    const summary = summarize(rounds.map(pick), 0);
    return { txPerSec: summary.median, msPerTx: round3(1000 / summary.median), ...summary };
  };
  const ratio = (pick: (round: Round) => number) =>
    summarize(
      rounds.map((r) => pick(r) / r.raw),
      3,
    );
  return {
    benchmark: "devnet",
    database: run.kind,
    transfer: "1 P2PK input → payment + fee + change, signed beforehand",
    rounds: rounds.length,
    transfersPerPhase: run.transfers,
    httpSubmit: {
      ...rate((r) => r.http),
      concurrency: HTTP_CONCURRENCY,
      client: "wrk-like: one request in flight on each keep-alive connection, in a worker thread",
    },
    inProcessSubmit: rate((r) => r.inProcess),
    rawValidateTx: rate((r) => r.raw),
    ratioToRaw: { httpSubmit: ratio((r) => r.http), inProcessSubmit: ratio((r) => r.inProcess) },
    mineBlock: {
      txs: rounds[0]?.minedTxs ?? 0,
      msPerTx: summarize(
        rounds.map((r) => r.mineMsPerTx),
        3,
      ),
    },
    signing: { msPerTx: round3(run.signMsPerTx), note: "not part of the rates above" },
  };
}

async function startDevnet(): Promise<{ devnet: Devnet; database?: TestDatabase; kind: string }> {
  const logger = createLogger("devnet", { level: "warn" });
  try {
    const database = await createTestDatabase("devnet_bench");
    return {
      devnet: await Devnet.start({ databaseUrl: database.url, blockMs: 0, port: 0, logger }),
      database,
      kind: "postgresql",
    };
  } catch {
    // No PostgreSQL server here: the embedded one, in a throwaway folder.
    const dataDir = join(await mkdtemp(join(tmpdir(), "gpuc-devnet-bench-")), "pg");
    await chmod(dirname(dataDir), 0o755);
    return { devnet: await Devnet.start({ dataDir, blockMs: 0, port: 0, logger }), kind: "embedded" };
  }
}

/** `count` spendable boxes for Alice, made by fan-out transactions and mined. */
async function fanOut(devnet: Devnet, alice: TestWallet, count: number): Promise<Box[]> {
  const txs: SignedTx[] = [];
  for (let made = 0; made < count; made += FAN_OUT) {
    const [source] = (await devnet.unspentBoxes(alice.address)).sort((a, b) => Number(b.value - a.value));
    const builder = new TransactionBuilder(devnet.height).from([toWireBox(source!)]);
    for (let i = 0; i < Math.min(FAN_OUT, count - made); i++)
      builder.to(new OutputBuilder(100_000_000n, alice.address));
    const tx = alice.sign(
      builder.payFee(RECOMMENDED_MIN_FEE_VALUE).sendChangeTo(alice.address).build().toEIP12Object(),
      devnet,
    );
    await devnet.submit(tx);
    txs.push(tx);
  }
  await devnet.mine();
  const ids = new Set(
    txs.flatMap((tx) => tx.outputs.filter((o) => o.value === "100000000").map((o) => o.boxId)),
  );
  return (await devnet.unspentBoxes(alice.address)).filter((box) => ids.has(box.boxId));
}

/** Milliseconds the worker-thread client took to have every transfer accepted. */
function submitOverHttp(url: string, transfers: readonly SignedTx[]): Promise<number> {
  const job: SubmitJob = {
    url,
    bodies: transfers.map((tx) => JSON.stringify(tx)),
    concurrency: HTTP_CONCURRENCY,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_BOOT, { eval: true, workerData: job });
    worker.once("message", (outcome: SubmitOutcome) => {
      void worker.terminate();
      if ("error" in outcome) reject(new Error(outcome.error));
      else resolve(outcome.ms);
    });
    worker.once("error", reject);
  });
}

/** ergo-lib `validate_tx` alone, on one parsed transfer and its input, for RAW_SECONDS / 2. */
function rawValidate(devnet: Devnet, tx: SignedTx, input: Box): { count: number; ms: number } {
  const wasm = Transaction.from_json(JSON.stringify(tx));
  const inputs = ErgoBoxes.from_boxes_json([toWireBox(input)]);
  const dataInputs = ErgoBoxes.empty();
  const context = devnet.stateContext();
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < (RAW_SECONDS * 1000) / 2) {
    for (let i = 0; i < 50; i++) validate_tx(wasm, context, inputs, dataInputs);
    count += 50;
  }
  return { count, ms: performance.now() - started };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value ? Number(value) : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  runDevnetBench({
    quick,
    transfers: envNumber("BENCH_TRANSFERS"),
  }).then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(`bench:devnet failed: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
