import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hex } from "@fleet-sdk/crypto";
import {
  buildClaimTx,
  buildOpenEscrowTx,
  buildSwapIn,
  type ChainBox,
  parseEscrowBox,
  writeDeployment,
} from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "@gpuc/offchain/testing/protocol";
import {
  type InstanceReceipts,
  merkleProof,
  receiptBatchRoot,
  receiptLeaf,
  receiptMessage,
  type SignedReceipt,
  sortReceipts,
  type UsageReceipt,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpuc, type StandInMarket, standInMarket, walletEnv } from "../testing/market.ts";

// `gpuc instances receipts <id> --verify` over a stand-in marketplace (it serves whatever it likes: the CLI must not
// believe it) and a devnet with a deployed protocol, where a real escrow was opened and claimed with a receipts root.

let chain: TestChain;
let lets: LetsFixture;
let consumer: TestKey;
let provider: TestKey;
let market: StandInMarket;
let env: Record<string, string>;
let dir: string;
/** What the stand-in serves as GET /api/v1/instances/{id}/receipts, by instance id. */
const served = new Map<string, InstanceReceipts>();

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  consumer = lets.stableHolder;
  provider = await fundedKey(chain, 10_000_000_000n);
  const swap = buildSwapIn(
    { ...(await lets.boxes()), tokenId: lets.stableTokenId, amount: 100_000n },
    await lets.wallet(consumer),
  );
  await chain.signSubmitMine(consumer.signer, swap);
  market = await standInMarket((method, path) => {
    const id = /^\/api\/v1\/instances\/([^/]+)\/receipts$/.exec(path)?.[1];
    const body = id && method === "GET" ? served.get(id) : undefined;
    return body && { status: 200, body };
  });
  dir = mkdtempSync(join(tmpdir(), "gpuc-cli-receipts-"));
  const deploymentFile = join(dir, "deployment.json");
  writeDeployment(lets.deployment, deploymentFile);
  env = { ...walletEnv(market.url), GPUC_DEPLOYMENT_FILE: deploymentFile, ERGO_NODE_URL: chain.devnet.url };
}, 120_000);
afterAll(async () => {
  await market?.close();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function receiptOf(instanceId: string, escrowBoxId: string, period: number, address = provider.address) {
  const body: UsageReceipt = {
    version: 1,
    instanceId,
    escrowBoxId,
    provider: address,
    period,
    periodStart: new Date(Date.UTC(2030, 0, 1, period - 1)).toISOString(),
    periodEnd: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
    seconds: 3600,
    imageDigest: `sha256:${"e".repeat(64)}`,
    gpus: [{ uuid: "GPU-1", model: "NVIDIA H100" }],
    gpuUtilization: { meanPct: 80, maxPct: 100 },
    gpuMemory: { meanMiB: 30_000, maxMiB: 40_000 },
    exitState: "running",
    issuedAt: new Date(Date.UTC(2030, 0, 1, period)).toISOString(),
  };
  return body;
}

const sign = (body: UsageReceipt, key: TestKey = provider): SignedReceipt => ({
  receipt: body,
  signature: hex.encode(key.signer.signMessage(receiptMessage(body))),
});

/** A rental opened by the consumer and claimed, all its hours at once, with `root` in the provider payout's R5. */
async function claimedRental(hours: number, root: (opening: ChainBox, instanceId: string) => string) {
  const instanceId = randomUUID();
  const height = await chain.client.height();
  const open = buildOpenEscrowTx({
    deployment: lets.deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: 1_000_000n,
    prepaidHours: hours,
    startHeight: height,
    rentalId: instanceId.replaceAll("-", ""),
    height,
    inputs: await chain.client.unspentByAddress(consumer.address),
    changeAddress: consumer.address,
  });
  const openTx = await chain.signSubmitMine(consumer.signer, open);
  const opening = (
    await chain.client.unspentByErgoTree(lets.deployment.contracts.rentalEscrow.ergoTree)
  ).find((box) => box.transactionId === openTx)!;
  const start = parseEscrowBox(opening, lets.deployment).startHeight;
  while ((await chain.client.height()) < start + hours * 5) await chain.mine();
  const claim = buildClaimTx({
    deployment: lets.deployment,
    configBox: await lets.configBox(),
    height: await chain.client.height(),
    provider: provider.address,
    claims: [{ escrowBox: opening, hours }],
    receiptsRoot: root(opening, instanceId),
    inputs: await chain.client.unspentByAddress(provider.address),
    changeAddress: provider.address,
  });
  return { instanceId, opening, txId: await chain.signSubmitMine(provider.signer, claim) };
}

/** The receipts served as the marketplace's route serves them (proof from the batch, checks claimed all true). */
function serve(
  instanceId: string,
  txId: string,
  batch: readonly SignedReceipt[],
  root = receiptBatchRoot(batch),
) {
  const sorted = sortReceipts(batch);
  const leaves = sorted.map(receiptLeaf);
  served.set(instanceId, {
    receipts: sorted.map((signed, index) => ({
      ...signed,
      leaf: leaves[index]!,
      txId,
      root,
      proof: merkleProof(leaves, index),
      checks: { signature: true, root: true, onChain: true },
    })),
  });
}

describe("gpuc instances receipts --verify (stand-in marketplace, devnet)", () => {
  it("Should verify every receipt of a claimed rental against the chain and exit 0", async () => {
    let batch: SignedReceipt[] = [];
    const { instanceId, txId } = await claimedRental(2, (opening, id) => {
      batch = [sign(receiptOf(id, opening.boxId, 1)), sign(receiptOf(id, opening.boxId, 2))];
      return receiptBatchRoot(batch);
    });
    serve(instanceId, txId, batch);
    const run = await gpuc(["instances", "receipts", instanceId, "--verify"], env);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^PERIOD +SECONDS +TX +LEAF +VERIFIED$/);
    expect(lines.slice(1, 3).every((line) => line.endsWith("yes"))).toBe(true);
    expect(lines.at(-1)).toBe("2 of 2 receipts verified against the chain");

    const plain = await gpuc(["instances", "receipts", instanceId], env);
    expect(plain.stdout.split("\n")[0]).toMatch(
      /^PERIOD +SECONDS +GPUS +IMAGE +TX +SIGNED +IN ROOT +ON CHAIN$/,
    );
  });

  it("Should name why a tampered receipt, one signed by another key, and one under a root matching nothing fail, and exit 1", async () => {
    const intruder = await fundedKey(chain, 1_000_000_000n);
    let batch: SignedReceipt[] = [];
    const { instanceId, txId } = await claimedRental(2, (opening, id) => {
      batch = [
        sign(receiptOf(id, opening.boxId, 1)),
        sign(receiptOf(id, opening.boxId, 2, intruder.address), intruder),
      ];
      return receiptBatchRoot(batch);
    });
    // The marketplace (or anyone between) changed period 1's seconds after the provider signed it.
    const tampered = [{ ...batch[0]!, receipt: { ...batch[0]!.receipt, seconds: 3000 } }, batch[1]!];
    serve(instanceId, txId, tampered, receiptBatchRoot(batch));
    const run = await gpuc(["instances", "receipts", instanceId, "--verify", "--json"], env);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { receipts: { period: number; ok: boolean; reason?: string }[] };
    expect(result.receipts.map((r) => [r.period, r.ok, r.reason])).toEqual([
      [
        1,
        false,
        "the signature is not the provider's over this receipt (tampered, or signed by another key)",
      ],
      [2, false, "the receipt names another provider than the escrow's"],
    ]);
    expect(run.stderr).toContain("2 receipts of instance");

    let honest: SignedReceipt[] = [];
    const unmatched = await claimedRental(1, (opening, id) => {
      honest = [sign(receiptOf(id, opening.boxId, 1))];
      return "ab".repeat(32);
    });
    serve(unmatched.instanceId, unmatched.txId, honest);
    const text = await gpuc(["instances", "receipts", unmatched.instanceId, "--verify"], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "NO: the receipt's Merkle proof does not lead to the root in the provider payout's R5",
    );
    expect(text.stdout).toContain("0 of 1 receipts verified against the chain");
  });
});
