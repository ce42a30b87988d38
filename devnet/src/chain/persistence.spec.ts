import { createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Devnet } from "../devnet.ts";
import { DevnetRollbackError, DevnetStoppedError } from "../errors/index.ts";
import { fundedWallet, TestWallet } from "../testing/wallet.ts";
import { BOOTSTRAP_BLOCKS } from "./chain.ts";

/** The whole box table as the chain stores it: which boxes exist and which are spent, by what, where. */
async function utxoSnapshot(db: Database) {
  return db.query(
    `SELECT box_id, inclusion_height, spent_tx_id, spending_height, box FROM devnet_boxes ORDER BY global_index`,
  );
}

describe("Devnet state in PostgreSQL", () => {
  let database: TestDatabase;
  let db: Database;
  let devnet: Devnet;

  beforeAll(async () => {
    database = await createTestDatabase("devnet_state");
    db = new Database(createPool(database.url, { max: 2 }));
    // pg's pool.end() resolves before its sockets close; dropping the database then kills them: expected here.
    db.pool.on("error", () => undefined);
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0 });
  });
  afterAll(async () => {
    await devnet.stop();
    await db.close();
    await database.drop();
  });

  it("Should start at the bootstrap height with the faucet's genesis box", async () => {
    expect(devnet.height).toBeGreaterThanOrEqual(BOOTSTRAP_BLOCKS);
    const headers = await devnet.lastHeaders(10);
    expect(headers.map((header) => header.height)).toEqual(
      Array.from({ length: 10 }, (_, i) => devnet.height - 9 + i),
    );
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i]!.parentId).toBe(headers[i - 1]!.id);
      expect(headers[i]!.timestamp).toBeGreaterThan(headers[i - 1]!.timestamp);
    }
    expect((await devnet.unspentBoxes(devnet.faucetAddress)).length).toBeGreaterThan(0);
  });

  it("Should continue from the same UTXO set and height after a restart", async () => {
    const alice = await fundedWallet(devnet, 7_000_000_000n);
    await devnet.faucet(alice.address, { nanoErgs: 1_000_000_000n });
    await devnet.mine();
    const before = await utxoSnapshot(db);
    const height = devnet.height;
    const tip = (await devnet.lastHeaders(1))[0]!;
    await devnet.stop();
    await expect(devnet.mine()).rejects.toBeInstanceOf(DevnetStoppedError);

    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0 });
    expect(devnet.height).toBe(height);
    expect(await utxoSnapshot(db)).toEqual(before);
    expect((await devnet.unspentBoxes(alice.address)).map((box) => box.value)).toEqual([
      7_000_000_000n,
      1_000_000_000n,
    ]);
    const next = await devnet.mine();
    expect(next.height).toBe(height + 1);
    expect((await devnet.lastHeaders(1))[0]!.parentId).toBe(tip.id);
  });

  it("Should restore the earlier UTXO set on rollback and return the undone transactions to the mempool", async () => {
    const alice = await fundedWallet(devnet, 9_000_000_000n);
    const bob = new TestWallet();
    const before = await utxoSnapshot(db);
    const height = devnet.height;

    const first = alice.sign(
      alice.payment(devnet, await devnet.unspentBoxes(alice.address), bob.address, 2_000_000_000n),
      devnet,
    );
    await devnet.submit(first);
    await devnet.mine();
    const second = alice.sign(
      alice.payment(devnet, await devnet.unspentBoxes(alice.address), bob.address, 1_000_000_000n),
      devnet,
    );
    await devnet.submit(second);
    await devnet.mine();
    expect(await utxoSnapshot(db)).not.toEqual(before);

    const result = await devnet.rollback(2);
    expect(result).toEqual({
      height,
      undoneTxIds: [first.id, second.id],
      mempoolTxIds: [first.id, second.id],
      droppedTxIds: [],
    });
    expect(devnet.height).toBe(height);
    expect(await utxoSnapshot(db)).toEqual(before);
    // Back in the mempool, they confirm again in the next block.
    expect((await devnet.mine()).txIds).toEqual([first.id, second.id]);
  });

  it("Should drop the undone transactions when asked, and refuse to undo the bootstrap blocks", async () => {
    const alice = await fundedWallet(devnet, 3_000_000_000n);
    const before = await utxoSnapshot(db);
    const tx = alice.sign(
      alice.payment(
        devnet,
        await devnet.unspentBoxes(alice.address),
        new TestWallet().address,
        1_000_000_000n,
      ),
      devnet,
    );
    await devnet.submit(tx);
    await devnet.mine();
    const result = await devnet.rollback(1, { dropTransactions: true });
    expect(result.droppedTxIds).toEqual([tx.id]);
    expect(result.mempoolTxIds).toEqual([]);
    expect(await utxoSnapshot(db)).toEqual(before);
    expect((await devnet.mine()).txIds).toEqual([]);

    await expect(devnet.rollback(devnet.height - BOOTSTRAP_BLOCKS + 1)).rejects.toBeInstanceOf(
      DevnetRollbackError,
    );
    await expect(devnet.rollback(0)).rejects.toBeInstanceOf(DevnetRollbackError);
  });

  it("Should mine blocks on its own every blockMs", async () => {
    const auto = await Devnet.start({ databaseUrl: database.url, blockMs: 50 });
    try {
      const start = auto.height;
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(auto.height).toBeGreaterThan(start);
    } finally {
      await auto.stop();
    }
  });
});
