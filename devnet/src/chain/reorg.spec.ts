import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Devnet } from "../devnet.ts";
import { DevnetRollbackError } from "../errors/index.ts";
import { fundedWallet, TestWallet } from "../testing/wallet.ts";

describe("Devnet reorg (the last blocks replaced by a longer competing chain)", () => {
  let database: TestDatabase;
  let devnet: Devnet;

  beforeAll(async () => {
    database = await createTestDatabase("devnet_reorg");
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0 });
    await devnet.mineBlocks(3);
  });
  afterAll(async () => {
    await devnet.stop();
    await database.drop();
  });

  /** A payment built at the current height (its outputs' creation height), submitted and mined. */
  async function minedPayment() {
    const alice = await fundedWallet(devnet, 5_000_000_000n);
    const bob = new TestWallet();
    const tx = alice.sign(
      alice.payment(devnet, await devnet.unspentBoxes(alice.address), bob.address, 1_000_000_000n),
      devnet,
    );
    await devnet.submit(tx);
    const block = await devnet.mine();
    return { tx, bob, block };
  }

  it("Should replace the last blocks with new ones and confirm their transactions again one block above the old tip", async () => {
    const { tx, bob, block } = await minedPayment();
    await devnet.mineBlocks(2);
    const oldTip = devnet.height;
    const replaced = (await devnet.lastHeaders(3)).map((header) => header.id);

    const result = await devnet.reorg(3);

    expect(result).toEqual({
      height: oldTip + 1,
      undoneTxIds: [tx.id],
      reincludedTxIds: [tx.id],
      droppedTxIds: [],
    });
    const headers = await devnet.lastHeaders(4);
    expect(headers.map((header) => header.height)).toEqual([oldTip - 2, oldTip - 1, oldTip, oldTip + 1]);
    expect(headers.slice(0, 3).map((header) => header.id)).not.toContain(replaced[0]);
    expect(headers[0]!.id).not.toBe(block.headerId);
    // The payment is confirmed again, in the new last block.
    const [paid] = await devnet.unspentBoxes(bob.address, { includeUnconfirmed: false });
    expect(paid?.value).toBe(1_000_000_000n);
    expect(paid?.transactionId).toBe(tx.id);
  });

  it("Should keep a transaction that a rollback of the same depth drops for its creation height", async () => {
    const kept = await minedPayment();
    expect((await devnet.reorg(3)).reincludedTxIds).toContain(kept.tx.id);

    const dropped = await minedPayment();
    const rolledBack = await devnet.rollback(3);
    expect(rolledBack.droppedTxIds).toContain(dropped.tx.id);
    expect(await devnet.unspentBoxes(dropped.bob.address)).toEqual([]);
  });

  it("Should refuse a reorg into the bootstrap blocks or of no blocks", async () => {
    await expect(devnet.reorg(0)).rejects.toBeInstanceOf(DevnetRollbackError);
    await expect(devnet.reorg(devnet.height)).rejects.toBeInstanceOf(DevnetRollbackError);
  });
});
