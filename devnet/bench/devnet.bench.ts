// `npm run bench:devnet`: simple transfers validated per second through the HTTP API (POST /transactions), through
// the in-process `submit`, and raw ergo-lib `validate_tx`, in one run. Transfers are built and signed beforehand,
// so signing is not measured. Prints one JSON object.
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { createLogger } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { ErgoBoxes, Transaction, validate_tx } from "ergo-lib-wasm-nodejs";
import { Devnet } from "../src/index.ts";
import { fundedWallet, type SignedTx, TestWallet } from "../src/testing/wallet.ts";
import { toWireBox } from "../src/tx/json.ts";
import type { Box } from "../src/tx/types.ts";

const TRANSFERS_PER_PHASE = Number(process.env.BENCH_TRANSFERS ?? 1000);
const HTTP_CONCURRENCY = 8;
const RAW_SECONDS = 2;
const FAN_OUT = 200;

async function main(): Promise<void> {
  const { devnet, database, kind } = await startDevnet();
  try {
    const alice = await fundedWallet(devnet, 10_000_000_000_000n);
    const bob = new TestWallet();
    const boxes = await fanOut(devnet, alice, TRANSFERS_PER_PHASE * 2);
    const signStarted = performance.now();
    const transfers = boxes.map((box) =>
      alice.sign(alice.payment(devnet, [box], bob.address, 1_000_000n), devnet),
    );
    const signMs = performance.now() - signStarted;

    const http = await timed(() => submitOverHttp(devnet.url, transfers.slice(0, TRANSFERS_PER_PHASE)));
    const inProcess = await timed(async () => {
      for (const tx of transfers.slice(TRANSFERS_PER_PHASE)) await devnet.submit(tx);
    });
    const mined = await timed(() => devnet.mine());
    const raw = rawValidate(devnet, transfers[0]!, boxes[0]!);

    const rate = (count: number, ms: number) => ({
      txPerSec: Math.round((count / ms) * 1000),
      msPerTx: round(ms / count),
      count,
      seconds: round(ms / 1000),
    });
    console.log(
      JSON.stringify({
        benchmark: "devnet",
        database: kind,
        transfer: "1 P2PK input → payment + fee + change, signed beforehand",
        httpSubmit: { ...rate(TRANSFERS_PER_PHASE, http.ms), concurrency: HTTP_CONCURRENCY },
        inProcessSubmit: rate(TRANSFERS_PER_PHASE, inProcess.ms),
        rawValidateTx: rate(raw.count, raw.ms),
        mineBlock: {
          txs: mined.result.txIds.length,
          ms: Math.round(mined.ms),
          msPerTx: round(mined.ms / mined.result.txIds.length),
        },
        signing: { msPerTx: round(signMs / transfers.length), note: "not part of the rates above" },
      }),
    );
  } finally {
    await devnet.stop();
    await database?.drop();
  }
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

async function submitOverHttp(url: string, transfers: readonly SignedTx[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < transfers.length) {
      const tx = transfers[next++]!;
      const response = await fetch(`${url}/transactions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(tx),
      });
      if (response.status !== 200) throw new Error(`Transfer ${tx.id} rejected: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
}

/** ergo-lib `validate_tx` alone, on one parsed transfer and its input, for RAW_SECONDS. */
function rawValidate(devnet: Devnet, tx: SignedTx, input: Box): { count: number; ms: number } {
  const wasm = Transaction.from_json(JSON.stringify(tx));
  const inputs = ErgoBoxes.from_boxes_json([toWireBox(input)]);
  const dataInputs = ErgoBoxes.empty();
  const context = devnet.stateContext();
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < RAW_SECONDS * 1000) {
    for (let i = 0; i < 50; i++) validate_tx(wasm, context, inputs, dataInputs);
    count += 50;
  }
  return { count, ms: performance.now() - started };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().catch((error: unknown) => {
  console.error(`bench:devnet failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
