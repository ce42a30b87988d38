import { setTimeout as sleep } from "node:timers/promises";
import { ErgoAddress, OutputBuilder, SAFE_MIN_BOX_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { Signer } from "@gpuc/offchain";
import { type TestWallet as ChainWallet, startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuplicateRuleError, DuplicateSubscriberError } from "./errors.ts";
import { ChainIndexer, type ChainSource, type IndexSubscriber } from "./indexer.ts";
import { migrateIndex } from "./migrate.ts";
import { byErgoTree, holdingToken } from "./rules.ts";
import { type IndexedBox, IndexStore } from "./store.ts";

const treeOf = (address: string) => ErgoAddress.fromBase58(address).ergoTree;
const quiet = createLogger("indexer", { level: "error" });
const HOUR_MS = 3_600_000;

describe("Chain indexer on the devnet", () => {
  let chain: TestChain;
  let testDb: TestDatabase;
  let db: Database;
  let store: IndexStore;
  let alice: ChainWallet;
  let bob: Signer;
  let gpucTokenId: string;
  /** A contract stand-in: boxes at carol's address are kept as kind "vault" (indexing is by tree). */
  let carol: Signer;

  const indexer = (...subscribers: IndexSubscriber[]) => following({ pollMs: 50 }, ...subscribers);
  const following = (
    options: { pollMs: number; source?: ChainSource },
    ...subscribers: IndexSubscriber[]
  ) => {
    const follower = new ChainIndexer({
      source: options.source ?? chain.client,
      db,
      store,
      log: quiet,
      startHeight: 1,
      pollMs: options.pollMs,
      gpucTokenId,
    })
      .addRule(byErgoTree("vault", treeOf(carol.address)))
      .addRule(holdingToken("wallet", gpucTokenId));
    for (const subscriber of subscribers) follower.subscribe(subscriber);
    return follower;
  };
  /** Resolves once the index's tip is at `height` (within 5 s). */
  async function reached(height: number): Promise<void> {
    for (let i = 0; i < 250 && (await store.tip())?.height !== height; i++) await sleep(20);
    expect((await store.tip())?.height).toBe(height);
  }
  const balance = (address: string) => store.gpucBalance(treeOf(address));
  const kept = async () => (await db.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM chain_boxes"))[0]!.n;

  async function send(from: ChainWallet, to: string, units: bigint): Promise<string> {
    const inputs = await chain.client.unspentByAddress(from.address);
    const tx = new TransactionBuilder(await chain.client.height())
      .from(inputs)
      .to(new OutputBuilder(SAFE_MIN_BOX_VALUE, to).addTokens({ tokenId: gpucTokenId, amount: units }))
      .sendChangeTo(from.address)
      .payMinFee()
      .build()
      .toEIP12Object();
    return chain.signSubmitMine(from.signer, tx);
  }

  beforeAll(async () => {
    chain = await startTestChain();
    testDb = await createTestDatabase("indexer");
    db = new Database(createPool(testDb.url, { max: 3 }));
    await migrateIndex(db);
    store = new IndexStore(db);
    alice = await chain.wallet({ tokens: [{ amount: 1_000_000n, name: "GPUC" }] });
    gpucTokenId = alice.tokenIds[0]!;
    bob = Signer.random();
    carol = Signer.random();
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
    await chain.stop();
  });

  it("Should index every block to the chain's height and read balances of the boxes its rules keep", async () => {
    const blocks = await indexer().syncOnce();
    expect(blocks).toBe(await chain.client.height());
    expect(await balance(alice.address)).toBe(1_000_000n);
    expect((await store.tip())?.height).toBe(await chain.client.height());
    // Migrating again is a no-op (the marketplace and a second service may share the index's database).
    expect(await migrateIndex(db)).toEqual([]);
  });

  it("Should record spends and new boxes, and resume after a restart without re-indexing", async () => {
    const txId = await send(alice, bob.address, 400_000n);
    expect(await indexer().syncOnce()).toBe(1);
    expect(await balance(alice.address)).toBe(600_000n);
    expect(await balance(bob.address)).toBe(400_000n);
    const spent = await db.query<{ n: bigint }>(
      "SELECT COUNT(*) AS n FROM chain_boxes WHERE spent_tx_id = $1",
      [txId],
    );
    expect(spent[0]?.n).toBe(1n);
    // A new indexer over the same database (a restarted process) has nothing to redo.
    expect(await indexer().syncOnce()).toBe(0);
    await chain.mine();
    expect(await indexer().syncOnce()).toBe(1);
  });

  it("Should file a box under the first rule that matches, and hand subscribers the block's boxes and spends", async () => {
    const seen: { box: string[]; spent: string[]; blocks: number[]; after: number[] } = {
      box: [],
      spent: [],
      blocks: [],
      after: [],
    };
    const follower = indexer({
      name: "recorder",
      onBox: async (box) => void seen.box.push(`${box.kind}:${box.gpuc}`),
      onSpent: async (box) => void seen.spent.push(box.kind),
      onBlock: async (block) => void seen.blocks.push(block.height),
      afterCommit: async (block) => void seen.after.push(block.height),
    });
    await send(alice, carol.address, 1_000n);
    const height = await chain.client.height();
    expect(await follower.syncOnce()).toBe(1);
    // carol's box holds GPUC but the vault rule came first; alice's change is a wallet.
    expect(seen.box.sort()).toEqual(["vault:1000", "wallet:599000"]);
    expect(seen.spent).toEqual(["wallet"]);
    expect(seen.blocks).toEqual([height]);
    expect(seen.after).toEqual([height]);
    expect((await store.unspentByKind("vault")).map((box) => box.gpuc)).toEqual([1_000n]);
  });

  it("Should keep nothing of a block a subscriber refuses, and apply it with the subscriber's writes on retry", async () => {
    await db.query("CREATE TABLE seen_boxes (box_id TEXT PRIMARY KEY)");
    let refuse = true;
    const recorder: IndexSubscriber = {
      name: "seen",
      onBox: async (box: IndexedBox) => {
        await db.query("INSERT INTO seen_boxes (box_id) VALUES ($1)", [box.boxId]);
        if (refuse) throw new Error("database said no");
      },
    };
    const before = { tip: (await store.tip())!.height, boxes: await kept() };
    await send(alice, bob.address, 1_000n);
    await expect(indexer(recorder).syncOnce()).rejects.toThrow(
      /Index subscriber "seen" failed on block \d+: database said no; the block was not applied/,
    );
    expect((await store.tip())!.height).toBe(before.tip);
    expect(await kept()).toBe(before.boxes);
    expect(await db.query("SELECT * FROM seen_boxes")).toEqual([]);

    refuse = false;
    expect(await indexer(recorder).syncOnce()).toBe(1);
    expect(await kept()).toBe(before.boxes + 2n);
    expect(await db.query("SELECT * FROM seen_boxes")).toHaveLength(2);
  });

  it("Should log and go on when work after the commit fails: the block stays indexed", async () => {
    await chain.mine();
    const tip = (await store.tip())!.height;
    const follower = indexer({
      name: "flaky",
      afterCommit: async () => {
        throw new Error("node unreachable");
      },
    });
    expect(await follower.syncOnce()).toBe(1);
    expect((await store.tip())!.height).toBe(tip + 1);
  });

  it("Should unwind blocks above a fork after the devnet's rollback and tell subscribers in that transaction", async () => {
    await send(alice, bob.address, 100_000n);
    const forks: number[] = [];
    const follower = indexer({
      name: "rollbacks",
      onRollback: async (fork) => {
        forks.push(fork);
        // Inside the unwinding transaction the unwound block is already gone.
        expect((await store.tip())?.height).toBe(fork);
      },
    });
    await follower.syncOnce();
    const bobBefore = await balance(bob.address);
    const forkedTip = (await store.tip())!;

    await chain.devnet.rollback(1, { dropTransactions: true });
    await chain.mine();
    await chain.mine();
    expect(await follower.syncOnce()).toBe(2);

    expect(forks).toEqual([forkedTip.height - 1]);
    expect(await balance(bob.address)).toBe(bobBefore - 100_000n);
    const replaced = await store.blockAt(forkedTip.height);
    expect(replaced?.headerId).not.toBe(forkedTip.headerId);
    expect((await store.tip())?.height).toBe(await chain.client.height());
  });

  it("Should keep following in the background until stopped", async () => {
    const follower = indexer();
    follower.start();
    await chain.mine();
    const target = await chain.client.height();
    for (let i = 0; i < 100 && (await store.tip())?.height !== target; i++)
      await new Promise((r) => setTimeout(r, 20));
    await follower.stop();
    expect((await store.tip())?.height).toBe(target);
  });

  it("Should index a block as soon as the devnet pushes it, not a poll period later, and stop at once", async () => {
    const follower = following({ pollMs: HOUR_MS });
    follower.start();
    await reached(await chain.client.height());
    await sleep(200); // the follower now waits on the devnet's long-poll
    const mined = Date.now();
    await send(alice, bob.address, 1n);
    await reached(await chain.client.height());
    expect(Date.now() - mined).toBeLessThan(2_000);
    const stopping = Date.now();
    await follower.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });

  it("Should poll every pollMs from a node without the push (a real node)", async () => {
    const { client } = chain;
    const node: ChainSource = {
      height: () => client.height(),
      headerIdsAt: (height) => client.headerIdsAt(height),
      header: (id) => client.header(id),
      blockTransactions: (id) => client.blockTransactions(id),
    };
    const follower = following({ pollMs: 100, source: node });
    follower.start();
    await chain.mine();
    await reached(await chain.client.height());
    await follower.stop();
  });

  it("Should wait for the next block, not spin, while the chain is rolled back below the index", async () => {
    const asked: number[] = [];
    const { client } = chain;
    const counting: ChainSource = {
      height: () => client.height(),
      headerIdsAt: (height) => client.headerIdsAt(height),
      header: (id) => client.header(id),
      blockTransactions: (id) => client.blockTransactions(id),
      nextBlock: (above, options) => {
        asked.push(above);
        return client.nextBlock(above, options);
      },
    };
    await send(alice, bob.address, 1n);
    const follower = following({ pollMs: HOUR_MS, source: counting });
    follower.start();
    await reached(await chain.client.height());
    await chain.devnet.rollback(1, { dropTransactions: true });
    await sleep(500);
    expect(asked.length).toBeLessThanOrEqual(4);
    await chain.mine();
    await chain.mine();
    await reached(await chain.client.height());
    expect((await store.tip())?.headerId).toBe((await chain.client.lastHeaders(1))[0]!.id);
    await follower.stop();
  });

  it("Should refuse a second rule for a kind and a second subscriber with the same name", () => {
    expect(() => indexer().addRule(byErgoTree("vault", treeOf(bob.address)))).toThrow(DuplicateRuleError);
    expect(() => indexer({ name: "a" }, { name: "a" })).toThrow(DuplicateSubscriberError);
  });
});
