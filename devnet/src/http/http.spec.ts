import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Devnet } from "../devnet.ts";
import { fundedWallet, type SignedTx, TestWallet } from "../testing/wallet.ts";
import { parseAmountsExact, toWireBox } from "../tx/json.ts";

// Response schemas written from ergoplatform/ergo src/main/resources/api/openapi.yaml (v6), required fields as
// the spec marks them. Amounts must be JSON numbers, as the node writes them; responses are parsed the way node
// clients do it (`value`/`amount` numbers read as exact decimal strings), so the schemas see those as digit strings.
const amount = z.string().regex(/^\d+$/);
const hex = z.string().regex(/^([0-9a-f]{2})*$/);
const id = z.string().regex(/^[0-9a-f]{64}$/);
const int = z.number().int();
const ApiError = z.object({ error: int, reason: z.string(), detail: z.string().nullable() });
const Asset = z.object({ tokenId: id, amount });
const SpendingProof = z.object({ proofBytes: hex, extension: z.record(z.string(), hex) });
const ErgoTransactionOutput = z.object({
  boxId: id.optional(),
  value: amount,
  ergoTree: hex,
  creationHeight: int,
  assets: z.array(Asset).optional(),
  additionalRegisters: z.record(z.string(), hex),
  transactionId: id.optional(),
  index: int.optional(),
});
const IndexedErgoBox = ErgoTransactionOutput.extend({
  address: z.string().min(1),
  spentTransactionId: id.nullable(),
  spendingHeight: int.min(0).nullable(),
  inclusionHeight: int.min(0),
  spendingProof: SpendingProof.nullable().optional(),
  globalIndex: int.min(0),
});
const ErgoTransaction = z.object({
  id: id.optional(),
  inputs: z.array(z.object({ boxId: id, spendingProof: SpendingProof })),
  dataInputs: z.array(z.object({ boxId: id })),
  outputs: z.array(ErgoTransactionOutput),
  size: int.optional(),
});
const ErgoTransactionWithInputBoxes = z.object({
  id,
  inputs: z.array(ErgoTransactionOutput.extend({ spendingProof: SpendingProof, boxId: id })),
  dataInputs: z.array(z.object({ boxId: id })),
  outputs: z.array(ErgoTransactionOutput),
  size: int,
});
const IndexedErgoTransaction = z.object({
  id,
  inputs: z.array(IndexedErgoBox),
  dataInputs: z.array(z.object({ boxId: id })),
  outputs: z.array(IndexedErgoBox),
  inclusionHeight: int,
  numConfirmations: int,
  blockId: id,
  timestamp: int,
  index: int,
  globalIndex: int,
  size: int,
});
const BlockHeader = z.object({
  id,
  timestamp: int,
  version: int,
  adProofsRoot: id,
  stateRoot: z.string().regex(/^[0-9a-f]{66}$/),
  transactionsRoot: id,
  nBits: int.min(0),
  extensionHash: id,
  powSolutions: z.object({ pk: hex, w: hex, n: hex, d: z.number() }),
  height: int.min(0),
  difficulty: z.string(),
  parentId: id,
  votes: hex,
  size: int.optional(),
  extensionId: id.optional(),
  transactionsId: id.optional(),
  adProofsId: id.optional(),
});
const BlockTransactions = z.object({ headerId: id, transactions: z.array(ErgoTransaction), size: int });
const FullBlock = z.object({
  header: BlockHeader,
  blockTransactions: BlockTransactions,
  adProofs: z.object({ headerId: id, proofBytes: hex, digest: id, size: int }),
  extension: z.object({ headerId: id, digest: id, fields: z.array(z.array(hex)).nullable() }),
  size: int,
});
const NodeInfo = z.object({
  name: z.string(),
  appVersion: z.string(),
  fullHeight: int.min(0).nullable(),
  headersHeight: int.min(0).nullable(),
  maxPeerHeight: int.min(0).nullable(),
  bestFullHeaderId: id.nullable(),
  previousFullHeaderId: id.nullable(),
  bestHeaderId: id.nullable(),
  headersScore: int.nullable(),
  fullBlocksScore: int.nullable(),
  stateRoot: z.string().nullable(),
  stateType: z.enum(["digest", "utxo"]),
  stateVersion: z.string().nullable(),
  isMining: z.boolean(),
  peersCount: int.min(0),
  unconfirmedCount: int.min(0),
  difficulty: int.min(0).nullable(),
  currentTime: int,
  launchTime: int,
  genesisBlockId: id.nullable(),
  parameters: z.object({
    height: int,
    blockVersion: int,
    storageFeeFactor: int,
    minValuePerByte: int,
    maxBlockSize: int,
    maxBlockCost: int,
    tokenAccessCost: int,
    inputCost: int,
    dataInputCost: int,
    outputCost: int,
  }),
});
const TransactionId = id;

describe("Devnet HTTP API (Ergo node REST subset)", () => {
  let database: TestDatabase;
  let devnet: Devnet;
  let alice: TestWallet;
  let confirmed: SignedTx;
  let unconfirmed: SignedTx;
  let tokenId: string;

  async function call(path: string, init?: { method?: string; body?: unknown; raw?: boolean }) {
    const response = await fetch(`${devnet.url}${path}`, {
      method: init?.method ?? (init?.body === undefined ? "GET" : "POST"),
      headers: { "content-type": "application/json" },
      body:
        init?.body === undefined
          ? undefined
          : typeof init.body === "string" && init.raw
            ? init.body
            : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? parseAmountsExact(text) : undefined };
  }

  async function ok<T extends z.ZodType>(
    schema: T,
    path: string,
    init?: { method?: string; body?: unknown; raw?: boolean },
  ) {
    const { status, json, text } = await call(path, init);
    expect(status, text).toBe(200);
    return schema.parse(json) as z.infer<T>;
  }

  beforeAll(async () => {
    database = await createTestDatabase("devnet_http");
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0, port: 0 });
    alice = await fundedWallet(devnet, 20_000_000_000n);
    const minted = await devnet.faucet(alice.address, {
      nanoErgs: 2_000_000_000n,
      tokens: [{ amount: 2n ** 60n, name: "BIG", decimals: 6 }],
    });
    tokenId = minted.tokenIds[0]!;
    const bob = new TestWallet();
    const [box] = (await devnet.unspentBoxes(alice.address)).filter((b) => b.value === 20_000_000_000n);
    confirmed = alice.sign(alice.payment(devnet, [box!], bob.address, 3_000_000_000n), devnet);
    await devnet.submit(confirmed);
    await devnet.faucet(alice.address, { nanoErgs: 5_000_000_000n });
    await devnet.mine();
    const change = (await devnet.unspentBoxes(alice.address)).find((b) => b.transactionId === confirmed.id)!;
    unconfirmed = alice.sign(alice.payment(devnet, [change], bob.address, 1_000_000_000n), devnet);
    await devnet.submit(unconfirmed);
  });
  afterAll(async () => {
    await devnet.stop();
    await database.drop();
  });

  it("Should serve GET /info", async () => {
    const info = await ok(NodeInfo, "/info");
    expect(info.fullHeight).toBe(devnet.height);
    expect(info.unconfirmedCount).toBe(1);
    expect(info.bestFullHeaderId).toBe((await devnet.lastHeaders(1))[0]!.id);
  });

  it("Should serve GET /blocks/lastHeaders/{count} oldest first, and headers by id and height", async () => {
    const headers = await ok(z.array(BlockHeader), "/blocks/lastHeaders/10");
    expect(headers.map((header) => header.height)).toEqual(
      Array.from({ length: 10 }, (_, i) => devnet.height - 9 + i),
    );
    const tip = headers.at(-1)!;
    expect(await ok(z.array(id), `/blocks/at/${tip.height}`)).toEqual([tip.id]);
    expect(await ok(z.array(id), `/blocks/at/${tip.height + 100}`)).toEqual([]);
    expect(await ok(BlockHeader, `/blocks/${tip.id}/header`)).toEqual(tip);
    expect(await ok(z.array(id), `/blocks?offset=${tip.height - 1}&limit=10`)).toEqual([
      headers.at(-2)!.id,
      tip.id,
    ]);
  });

  it("Should serve a block and its transactions by header id", async () => {
    const [headerId] = await ok(z.array(id), `/blocks/at/${devnet.height}`);
    const block = await ok(BlockTransactions, `/blocks/${headerId}/transactions`);
    expect(block.transactions.map((tx) => tx.id)).toContain(confirmed.id);
    const full = await ok(FullBlock, `/blocks/${headerId}`);
    expect(full.blockTransactions).toEqual(block);
    const missing = await call(`/blocks/${"0".repeat(64)}/header`);
    expect(missing.status).toBe(404);
    ApiError.parse(missing.json);
  });

  it("Should serve POST /transactions and /transactions/check with the node's ApiError on rejection", async () => {
    const bob = new TestWallet();
    const box = await devnet
      .unspentBoxes(alice.address)
      .then((boxes) => boxes.find((b) => b.assets.length === 0 && b.transactionId !== unconfirmed.id)!);
    const tx = alice.sign(alice.payment(devnet, [box], bob.address, 1_000_000_000n), devnet);
    expect(await ok(TransactionId, "/transactions/check", { body: tx })).toBe(tx.id);
    expect(await ok(TransactionId, "/transactions", { body: tx })).toBe(tx.id);
    const again = await call("/transactions", { body: tx });
    expect(again.status).toBe(400);
    expect(ApiError.parse(again.json)).toEqual({
      error: 400,
      reason: "bad.request",
      detail: `input box ${box.boxId} is already spent in mempool tx ${tx.id}`,
    });
    const malformed = await call("/transactions", { body: { inputs: "nope" } });
    expect(malformed.status).toBe(400);
    expect(ApiError.parse(malformed.json).detail).toMatch(/^Malformed transaction: inputs/);
  });

  it("Should answer an empty or oversized POST /transactions body with the node's ApiError", async () => {
    const empty = await call("/transactions", { body: "", raw: true });
    expect(empty.status).toBe(400);
    expect(ApiError.parse(empty.json).detail).toMatch(/^Malformed transaction: the body is empty/);
    const huge = await call("/transactions", { body: `"${"a".repeat(5 * 1024 * 1024)}"`, raw: true });
    expect(huge.status).toBe(413);
    expect(ApiError.parse(huge.json)).toEqual({
      error: 413,
      reason: "bad.request",
      detail: "The body is over 4 MB",
    });
  });

  it("Should serve the mempool: GET /transactions/unconfirmed and byTransactionId", async () => {
    const pool = await ok(
      z.array(ErgoTransactionWithInputBoxes),
      "/transactions/unconfirmed?offset=0&limit=50",
    );
    expect(pool[0]!.id).toBe(unconfirmed.id);
    expect(pool[0]!.inputs[0]!.transactionId).toBe(confirmed.id);
    expect(
      await ok(z.array(ErgoTransactionWithInputBoxes), "/transactions/unconfirmed?offset=1"),
    ).toHaveLength(pool.length - 1);
    const one = await ok(
      ErgoTransactionWithInputBoxes,
      `/transactions/unconfirmed/byTransactionId/${unconfirmed.id}`,
    );
    expect(one).toEqual(pool[0]);
    expect((await call(`/transactions/unconfirmed/byTransactionId/${confirmed.id}`)).status).toBe(404);
  });

  it("Should serve GET /utxo/byId and /utxo/withPool/byId", async () => {
    const pending = unconfirmed.outputs[0]!.boxId;
    expect((await call(`/utxo/byId/${pending}`)).status).toBe(404);
    const box = await ok(ErgoTransactionOutput, `/utxo/withPool/byId/${pending}`);
    expect(box.value).toBe("1000000000");
    const spentInPool = unconfirmed.inputs[0]!.boxId;
    expect((await ok(ErgoTransactionOutput, `/utxo/byId/${spentInPool}`)).boxId).toBe(spentInPool);
    expect((await call(`/utxo/withPool/byId/${spentInPool}`)).status).toBe(404);
  });

  it("Should serve POST /blockchain/box/unspent/byAddress with paging and the mempool options", async () => {
    const all = await ok(
      z.array(IndexedErgoBox),
      "/blockchain/box/unspent/byAddress?limit=100&sortDirection=asc",
      {
        body: alice.address,
      },
    );
    expect(all.every((box) => box.address === alice.address && box.spentTransactionId === null)).toBe(true);
    const withPool = await ok(
      z.array(IndexedErgoBox),
      "/blockchain/box/unspent/byAddress?limit=100&sortDirection=asc&includeUnconfirmed=true&excludeMempoolSpent=true",
      { body: alice.address },
    );
    const spentInPool = unconfirmed.inputs[0]!.boxId;
    expect(all.map((box) => box.boxId)).toContain(spentInPool);
    expect(withPool.map((box) => box.boxId)).not.toContain(spentInPool);
    expect(withPool.find((box) => box.transactionId === unconfirmed.id)).toMatchObject({
      inclusionHeight: 0,
      globalIndex: 0,
    });
    // Ascending: confirmed boxes by global index, then the mempool's outputs.
    const heights = withPool.map((box) => box.inclusionHeight);
    expect(heights.slice(heights.indexOf(0)).every((height) => height === 0)).toBe(true);
    const page = await ok(
      z.array(IndexedErgoBox),
      "/blockchain/box/unspent/byAddress?offset=1&limit=1&sortDirection=asc",
      {
        body: alice.address,
      },
    );
    expect(page).toEqual([all[1]]);
    const newestFirst = await ok(z.array(IndexedErgoBox), "/blockchain/box/unspent/byAddress", {
      body: alice.address,
    });
    expect(newestFirst).toEqual(all.reverse().slice(0, 5));
    const bad = await call("/blockchain/box/unspent/byAddress?sortDirection=up", { body: alice.address });
    expect(bad.status).toBe(400);
    expect((await call("/blockchain/box/unspent/byAddress", { body: "not-an-address" })).status).toBe(400);
  });

  it("Should serve POST /blockchain/box/unspent/byErgoTree and GET .../byTokenId with exact big amounts", async () => {
    const byAddress = await ok(z.array(IndexedErgoBox), "/blockchain/box/unspent/byAddress?limit=100", {
      body: alice.address,
    });
    const byTree = await ok(z.array(IndexedErgoBox), "/blockchain/box/unspent/byErgoTree?limit=100", {
      body: byAddress[0]!.ergoTree,
    });
    expect(byTree).toEqual(byAddress);
    const { text } = await call(`/blockchain/box/unspent/byTokenId/${tokenId}`);
    expect(text).toContain(`"amount":${2n ** 60n}`);
    const tokenBoxes = await ok(z.array(IndexedErgoBox), `/blockchain/box/unspent/byTokenId/${tokenId}`);
    expect(tokenBoxes).toHaveLength(1);
    expect(tokenBoxes[0]!.additionalRegisters.R4).toBe("0e03424947");
  });

  it("Should take a transaction whose token amount above 2^53 is a JSON number, and keep it exact", async () => {
    const [tokenBox] = await devnet
      .unspentBoxes(alice.address)
      .then((boxes) => boxes.filter((b) => b.assets.length));
    const carol = new TestWallet();
    const unsigned = new TransactionBuilder(devnet.height)
      .from([toWireBox(tokenBox!)])
      .to(new OutputBuilder(1_000_000n, carol.address).addTokens({ tokenId, amount: 2n ** 60n - 1n }))
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .sendChangeTo(alice.address)
      .build()
      .toEIP12Object();
    const signed = alice.sign(unsigned, devnet);
    // Node JSON: every amount a bare number (2^60 - 1 is not a float64, so a lossy parser would change it).
    const text = JSON.stringify(signed).replace(/"(value|amount)":"(\d+)"/g, '"$1":$2');
    expect(text).toContain(`"amount":${2n ** 60n - 1n}`);
    expect(await ok(TransactionId, "/transactions", { body: text, raw: true })).toBe(signed.id);
    const pending = await call(`/utxo/withPool/byId/${signed.outputs[0]!.boxId}`);
    expect(pending.text).toContain(`"amount":${2n ** 60n - 1n}`);
  });

  it("Should serve GET /blockchain/box/byId, /blockchain/transaction/byId and /blockchain/indexedHeight", async () => {
    const spent = await ok(IndexedErgoBox, `/blockchain/box/byId/${confirmed.inputs[0]!.boxId}`);
    expect(spent.spentTransactionId).toBe(confirmed.id);
    expect(spent.spendingProof).toEqual(confirmed.inputs[0]!.spendingProof);
    const tx = await ok(IndexedErgoTransaction, `/blockchain/transaction/byId/${confirmed.id}`);
    expect(tx).toMatchObject({ id: confirmed.id, inclusionHeight: devnet.height, numConfirmations: 1 });
    expect(tx.outputs.map((box) => box.boxId)).toEqual(confirmed.outputs.map((box) => box.boxId));
    expect((await call(`/blockchain/transaction/byId/${unconfirmed.id}`)).status).toBe(404);
    expect(await ok(z.object({ indexedHeight: int, fullHeight: int }), "/blockchain/indexedHeight")).toEqual({
      indexedHeight: devnet.height,
      fullHeight: devnet.height,
    });
  });

  it("Should serve the devnet controls: faucet, mine, rollback", async () => {
    const carol = new TestWallet();
    const paid = await ok(
      z.object({ txId: id, txIds: z.array(id), tokenIds: z.array(id) }),
      "/devnet/faucet",
      {
        body: { address: carol.address, nanoErgs: "5000000000", tokens: [{ amount: 10, name: "T" }] },
      },
    );
    const block = await ok(
      z.object({ height: int, headerId: id, timestamp: int, txIds: z.array(id), droppedTxIds: z.array(id) }),
      "/devnet/mine",
      { body: {} },
    );
    expect(block.txIds).toEqual(expect.arrayContaining(paid.txIds));
    expect(block.height).toBe(devnet.height);
    const undone = await ok(z.object({ height: int, undoneTxIds: z.array(id) }), "/devnet/rollback", {
      body: { blocks: 1 },
    });
    expect(undone).toMatchObject({ height: block.height - 1, undoneTxIds: block.txIds });
    const refused = await call("/devnet/rollback", { body: { blocks: 10_000 } });
    expect(refused.status).toBe(400);
    expect((await call("/devnet/faucet", { body: { address: "x", nanoErgs: 1 } })).status).toBe(400);
    expect((await call("/no/such/path")).status).toBe(404);
  });
});
