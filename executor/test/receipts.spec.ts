import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  parseEscrowBox,
  payoutEscrowId,
  payoutReceiptsRoot,
  Signer,
  toErgoTree,
  verifyMessage,
} from "@gpuc/offchain";
import { createLogger } from "@gpuc/platform";
import {
  ExecutorClient,
  merkleProof,
  type ReceiptBatch,
  receiptBatchRoot,
  receiptLeaf,
  receiptMessage,
  receiptSignatureValid,
  type SignedReceipt,
  sortReceipts,
  verifyMerkleProof,
} from "@gpuc/sdk";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/http/app.ts";
import { CredentialVerifier } from "../src/http/credentials.ts";
import { signerFromSecretKey, verifyProviderSignature } from "../src/keys/provider-signer.ts";
import { ChainSettlement } from "../src/settlement/chain-settlement.ts";
import {
  type AgentHandle,
  HARNESS_PROVIDER_SECRET,
  type Harness,
  startHarness,
} from "../src/testing/agent-harness.ts";
import { TEST_IMAGE, testDocker } from "../src/testing/docker.ts";
import { type EscrowChain, startEscrowChain } from "../src/testing/escrow-chain.ts";
import { testRental } from "../src/testing/rentals.ts";

// Usage receipts end to end on the real Docker engine and the devnet (ergo-lib validation): every claim and provider
// close carries, in R5 of its provider payout, the Merkle root of the signed receipts of the periods it pays; the
// batches reach the marketplace through the ledger's outbox, across an outage and a restart.

const PRICE = 1_000_000n;
const PERIOD_SECONDS = 6;
const KID = "marketplace-receipts";

let h: Harness;
let ec: EscrowChain;
let jwks: Server;
const apis: Server[] = [];
let marketKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let jwksUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startHarness("receipts");
  ec = await startEscrowChain();
  await ec.chain.devnet.faucet(h.signer.address, { nanoErgs: 10_000_000_000n });
  await ec.chain.mine();
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  marketKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "EdDSA", use: "sig" };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  jwksUrl = await listen(jwks);
});
afterAll(async () => {
  for (const server of [...apis, jwks]) {
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
  await h?.close();
  await ec?.stop();
});

const settlement = () =>
  new ChainSettlement({
    chain: ec.chain.client,
    deployment: ec.deployment,
    signer: Signer.fromSecretHex(HARNESS_PROVIDER_SECRET, "testnet"),
    log: createLogger("executor.test"),
  });

/** The executor's HTTP API over `handle`'s agent; resolves to its base URL. */
async function serve(handle: AgentHandle): Promise<string> {
  const verifier = new CredentialVerifier({
    keys: createRemoteJWKSet(new URL("/.well-known/jwks.json", jwksUrl)),
    providerId: h.providerId,
  });
  const app = createApp({
    agent: handle.agent,
    runtime: h.runtime,
    verifier,
    metrics: handle.metrics,
    log: createLogger("executor.test"),
    exec: { maxTimeoutSeconds: 5, maxOutputBytes: 65536 },
  });
  const api = createServer(app);
  apis.push(api);
  return listen(api);
}

async function credential(instance: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ instance, provider: h.providerId, scope: ["logs"] })
    .setProtectedHeader({ alg: "EdDSA", kid: KID })
    .setIssuer("gpuc-marketplace")
    .setSubject("3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN")
    .setAudience("gpuc-executor")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + 3600)
    .sign(marketKey);
}

/** The provider payouts (R4-tagged outputs paid to the provider) of a mined settlement transaction. */
async function providerPayouts(txId: string) {
  const tx = await ec.chain.client.transaction(txId);
  expect(tx, `transaction ${txId} on chain`).toBeDefined();
  const tree = toErgoTree(h.signer.address);
  return tx!.outputs.filter((box) => box.ergoTree === tree && payoutEscrowId(box) !== undefined);
}

describe("Usage receipts with the agent, Docker and the devnet", () => {
  it("Should carry the root of its receipts in every claim's and close's provider payout, each receipt signed by the provider key, and deliver the batches after an outage and a restart", async () => {
    const id = randomUUID();
    const opened = await ec.openEscrow({
      provider: h.signer.address,
      rentalId: id.replaceAll("-", ""),
      pricePerHour: PRICE,
      hours: 3,
    });
    const start = parseEscrowBox(opened, ec.deployment).startHeight;
    const rental = testRental({
      id,
      hours: 3,
      pricePerHour: PRICE.toString(),
      escrowBoxId: opened.boxId,
      startHeight: start,
    });
    h.marketplace.rentals.set(id, rental);
    const first = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    await h.tickUntil(
      first.agent,
      async () => ((await first.ledger.get(id))?.billedSeconds ?? 0) >= PERIOD_SECONDS,
    );

    // The marketplace is down while period 1 is claimed: the claim goes on chain, its batch waits in the outbox.
    h.marketplace.failWith = 503;
    await ec.mineTo(start + ec.blocksPerHour - 1);
    await h.tickUntil(first.agent, async () => (await first.ledger.claimTotals(id)).periods === 1);
    await ec.chain.mine();
    expect(await first.ledger.receipts.unsentBatches()).toHaveLength(1);
    expect(h.marketplace.receiptBatches.size).toBe(0);

    // A restarted executor delivers it once the marketplace is back.
    await first.kill();
    const second = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    h.marketplace.failWith = undefined;
    await h.tickUntil(second.agent, async () => h.marketplace.receiptBatches.size === 1);
    expect(await second.ledger.receipts.unsentBatches()).toEqual([]);

    // Into period 2 the consumer stops: the provider close pays the partial period and carries its receipt.
    await ec.mineTo(start + ec.blocksPerHour + 1);
    await h.tickUntil(
      second.agent,
      async () => ((await second.ledger.get(id))?.billedSeconds ?? 0) >= PERIOD_SECONDS + 2,
    );
    h.marketplace.rentals.set(id, { ...rental, state: "Stopping" });
    await h.tickUntil(second.agent, async () => (await second.ledger.get(id))?.state === "Completed");
    await ec.chain.mine();
    await h.tickUntil(second.agent, async () => h.marketplace.receiptBatches.size === 2);

    const batches = [...h.marketplace.receiptBatches.values()];
    for (const batch of batches) {
      const payouts = await providerPayouts(batch.txId);
      expect(payouts).toHaveLength(1);
      expect(payoutReceiptsRoot(payouts[0]!)).toBe(batch.root);
      expect(receiptBatchRoot(batch.receipts)).toBe(batch.root);
    }
    expect(await second.ledger.receipts.batchesOf(id)).toEqual(batches);

    const [claimed, closed] = batches.flatMap((batch) => batch.receipts) as [SignedReceipt, SignedReceipt];
    const imageId = (await testDocker().getImage(TEST_IMAGE).inspect()).Id;
    expect(claimed.receipt).toMatchObject({
      instanceId: id,
      escrowBoxId: opened.boxId,
      provider: h.signer.address,
      period: 1,
      seconds: PERIOD_SECONDS,
      imageDigest: imageId,
      gpus: [],
      gpuUtilization: { meanPct: 0, maxPct: 0 },
      exitState: "running",
    });
    const row = (await second.ledger.get(id))!;
    expect(closed.receipt).toMatchObject({
      period: 2,
      seconds: row.billedSeconds - PERIOD_SECONDS,
      periodStart: claimed.receipt.periodEnd,
      imageDigest: imageId,
      exitState: "stopped",
    });
    for (const signed of [claimed, closed]) {
      expect(
        verifyProviderSignature(h.signer.address, receiptMessage(signed.receipt), signed.signature),
      ).toBe(true);
      expect(receiptSignatureValid(signed, verifyMessage, h.signer.address)).toBe(true);
    }
    expectForgeriesRefused(claimed, batches[0]!);

    // The executor serves the same receipts, with their proofs and its own checks.
    const url = await serve(second);
    const served = await new ExecutorClient({ baseUrl: url, auth: await credential(id) }).receipts(id);
    expect(served.receipts.map((entry) => [entry.receipt.period, entry.txId])).toEqual([
      [1, batches[0]!.txId],
      [2, batches[1]!.txId],
    ]);
    for (const entry of served.receipts) {
      expect(entry.checks).toEqual({ signature: true, root: true, onChain: null });
      expect(verifyMerkleProof(entry.leaf, entry.proof, entry.root)).toBe(true);
    }
    const unknown = randomUUID();
    const missing = await new ExecutorClient({ baseUrl: url, auth: await credential(unknown) })
      .receipts(unknown)
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404 });
  });
});

describe("A batched claim's receipts", () => {
  it("Should give one root to every rental's payout of a two-rental claim, and each rental's receipts prove against its payout", async () => {
    const open = async () => {
      const id = randomUUID();
      const box = await ec.openEscrow({
        provider: h.signer.address,
        rentalId: id.replaceAll("-", ""),
        pricePerHour: PRICE,
        hours: 2,
      });
      const startHeight = parseEscrowBox(box, ec.deployment).startHeight;
      const rental = testRental({
        id,
        hours: 2,
        pricePerHour: PRICE.toString(),
        escrowBoxId: box.boxId,
        startHeight,
      });
      h.marketplace.rentals.set(id, rental);
      return { id, box, startHeight };
    };
    const rentals = [await open(), await open()];
    const handle = await h.newAgent({ periodSeconds: PERIOD_SECONDS, settlement: settlement() });
    const billed = async (id: string) => (await handle.ledger.get(id))?.billedSeconds ?? 0;
    await h.tickUntil(handle.agent, async () => {
      for (const { id } of rentals) if ((await billed(id)) < PERIOD_SECONDS) return false;
      return true;
    });
    const known = new Set(h.marketplace.receiptBatches.keys());
    await ec.mineTo(Math.max(...rentals.map((r) => r.startHeight)) + ec.blocksPerHour - 1);
    const fresh = () => [...h.marketplace.receiptBatches.values()].filter((batch) => !known.has(batch.txId));
    await h.tickUntil(handle.agent, async () => fresh().length > 0);
    await ec.chain.mine();

    const [batch] = fresh();
    expect(fresh()).toHaveLength(1); // one transaction claimed both
    expect(new Set(batch!.receipts.map((signed) => signed.receipt.instanceId))).toEqual(
      new Set(rentals.map((r) => r.id)),
    );
    const payouts = await providerPayouts(batch!.txId);
    expect(payouts.map((box) => payoutEscrowId(box)).sort()).toEqual(rentals.map((r) => r.box.boxId).sort());
    const url = await serve(handle);
    for (const { id, box } of rentals) {
      const payout = payouts.find((candidate) => payoutEscrowId(candidate) === box.boxId)!;
      const root = payoutReceiptsRoot(payout)!;
      expect(root).toBe(batch!.root);
      const served = await new ExecutorClient({ baseUrl: url, auth: await credential(id) }).receipts(id);
      expect(served.receipts).toHaveLength(1);
      const [entry] = served.receipts;
      expect(entry!.proof).toHaveLength(1); // two leaves: each proves with its sibling
      expect(verifyMerkleProof(entry!.leaf, entry!.proof, root)).toBe(true);
      expect(
        receiptSignatureValid(
          { receipt: entry!.receipt, signature: entry!.signature },
          verifyMessage,
          h.signer.address,
        ),
      ).toBe(true);
    }
    for (const { id } of rentals) await handle.agent.requestStop(id, "user_stopped");
  });
});

/** A tampered receipt and one signed by another key fail the signature check and prove nothing against the root. */
function expectForgeriesRefused(genuine: SignedReceipt, batch: ReceiptBatch): void {
  const leaves = sortReceipts(batch.receipts).map(receiptLeaf);
  const index = leaves.indexOf(receiptLeaf(genuine));
  const proof = merkleProof(leaves, index);
  expect(verifyMerkleProof(receiptLeaf(genuine), proof, batch.root)).toBe(true);

  const tampered = { ...genuine, receipt: { ...genuine.receipt, seconds: genuine.receipt.seconds - 1 } };
  expect(receiptSignatureValid(tampered, verifyMessage)).toBe(false);
  expect(verifyMerkleProof(receiptLeaf(tampered), proof, batch.root)).toBe(false);

  const other = signerFromSecretKey("8".repeat(64), "testnet");
  const stolen = { receipt: genuine.receipt, signature: other.sign(receiptMessage(genuine.receipt)) };
  expect(receiptSignatureValid(stolen, verifyMessage)).toBe(false);
  const own = { ...genuine.receipt, provider: other.address };
  const reissued = { receipt: own, signature: other.sign(receiptMessage(own)) };
  expect(receiptSignatureValid(reissued, verifyMessage)).toBe(true); // a valid receipt, but not this provider's
  expect(receiptSignatureValid(reissued, verifyMessage, h.signer.address)).toBe(false);
  for (const forged of [stolen, reissued]) {
    expect(verifyMerkleProof(receiptLeaf(forged), proof, batch.root)).toBe(false);
  }
}
