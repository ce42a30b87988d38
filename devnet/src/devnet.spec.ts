import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { compile } from "@fleet-sdk/compiler";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Devnet } from "./devnet.ts";
import { DevnetRejectedError } from "./errors/index.ts";
import { fundedWallet, TestWallet } from "./testing/wallet.ts";
import { toWireBox } from "./tx/json.ts";

describe("Devnet validation (ergo-lib validate_tx + UTXO checks)", () => {
  let database: TestDatabase;
  let devnet: Devnet;
  let alice: TestWallet;
  const bob = new TestWallet();

  beforeAll(async () => {
    database = await createTestDatabase("devnet");
    devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0 });
    alice = await fundedWallet(devnet, 50_000_000_000n);
  });
  afterAll(async () => {
    await devnet.stop();
    await database.drop();
  });

  const largestBox = async (wallet: TestWallet) =>
    (await devnet.unspentBoxes(wallet.address)).sort((a, b) => Number(b.value - a.value))[0]!;

  /** Alice pays `nanoErgs` to Bob from her largest box; `tamper` edits the unsigned tx before she signs it. */
  async function alicePays(nanoErgs: bigint, tamper?: (tx: EIP12UnsignedTransaction) => void) {
    const unsigned = alice.payment(devnet, [await largestBox(alice)], bob.address, nanoErgs);
    tamper?.(unsigned);
    return alice.sign(unsigned, devnet);
  }

  async function rejection(promise: Promise<unknown>): Promise<DevnetRejectedError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DevnetRejectedError);
    return error as DevnetRejectedError;
  }

  it("Should accept a valid transfer and confirm it in the next block", async () => {
    const tx = await alicePays(1_000_000_000n);
    expect(await devnet.submit(tx)).toBe(tx.id);
    const block = await devnet.mine();
    expect(block.txIds).toEqual([tx.id]);
    expect(block.height).toBe(devnet.height);
    const paid = await devnet.unspentBox(tx.outputs[0]!.boxId);
    expect(paid?.value).toBe(1_000_000_000n);
    expect(await devnet.unspentBox(tx.inputs[0]!.boxId)).toBeUndefined();
  });

  it("Should reject a double spend in the mempool, naming the mempool transaction", async () => {
    const first = await alicePays(1_000_000_000n);
    const second = await alicePays(2_000_000_000n);
    await devnet.submit(first);
    const error = await rejection(devnet.submit(second));
    expect(error.reason).toBe(
      `input box ${second.inputs[0]!.boxId} is already spent in mempool tx ${first.id}`,
    );
  });

  it("Should reject a double spend of a box spent in a mined block", async () => {
    const spent = await largestBox(alice);
    const first = alice.sign(alice.payment(devnet, [spent], bob.address, 1_000_000_000n), devnet);
    await devnet.submit(first).catch(() => undefined);
    const block = await devnet.mine();
    const again = alice.sign(alice.payment(devnet, [spent], bob.address, 3_000_000_000n), devnet);
    const error = await rejection(devnet.submit(again));
    expect(error.reason).toMatch(
      new RegExp(`^input box ${spent.boxId} is already spent by tx [0-9a-f]{64} in block ${block.height}$`),
    );
  });

  it("Should reject a wrong signature", async () => {
    const paid = await alicePays(1_000_000_000n);
    const other = await alicePays(1_500_000_000n);
    const forged = {
      ...paid,
      inputs: [{ ...paid.inputs[0]!, spendingProof: other.inputs[0]!.spendingProof }],
    };
    const error = await rejection(devnet.submit(forged));
    expect(error.reason).toMatch(/Input 0 reduced to false during verification/);
  });

  it("Should reject a transaction that creates ERG", async () => {
    const tx = await alicePays(1_000_000_000n, (unsigned) => {
      unsigned.outputs[0]!.value = "1000000001";
    });
    const error = await rejection(devnet.submit(tx));
    expect(error.reason).toMatch(/ERG value not preserved/);
  });

  it("Should reject a token minted with an id other than the first input's", async () => {
    const unsigned = new TransactionBuilder(devnet.height)
      .from([toWireBox(await largestBox(alice))])
      .to(new OutputBuilder(1_000_000_000n, bob.address).mintToken({ amount: 100n, name: "FAKE" }))
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .sendChangeTo(alice.address)
      .build()
      .toEIP12Object();
    unsigned.outputs[0]!.assets[0]!.tokenId = "ab".repeat(32);
    const error = await rejection(devnet.submit(alice.sign(unsigned, devnet)));
    expect(error.reason).toMatch(/Token preservation error .* allowed new token id/);
  });

  it("Should reject a dust output", async () => {
    const tx = await alicePays(1_000_000_000n, (unsigned) => {
      const change = unsigned.outputs[2]!;
      change.value = (BigInt(change.value) + BigInt(unsigned.outputs[0]!.value) - 1000n).toString();
      unsigned.outputs[0]!.value = "1000";
    });
    const error = await rejection(devnet.submit(tx));
    expect(error.reason).toMatch(/is dust, amount BoxValue\(1000\) < minimum/);
  });

  it("Should reject an output created at a future height", async () => {
    const tx = await alicePays(1_000_000_000n, (unsigned) => {
      unsigned.outputs[0]!.creationHeight = devnet.height + 5;
    });
    const error = await rejection(devnet.submit(tx));
    expect(error.reason).toMatch(/Creation height \d+ > preheader height/);
  });

  it("Should reject an input that does not exist", async () => {
    const tx = await alicePays(1_000_000_000n);
    const ghost = "cd".repeat(32);
    const error = await rejection(devnet.submit({ ...tx, inputs: [{ ...tx.inputs[0]!, boxId: ghost }] }));
    expect(error.reason).toBe(`input box ${ghost} not found in the UTXO set or the mempool`);
  });

  it("Should resolve data inputs from the UTXO set, and reject a missing one", async () => {
    await devnet.mine();
    const carol = await fundedWallet(devnet, 2_000_000_000n);
    const [readOnly] = await devnet.unspentBoxes(carol.address);
    const unsigned = new TransactionBuilder(devnet.height)
      .from([toWireBox(await largestBox(alice))])
      .withDataFrom([toWireBox(readOnly!)])
      .to(new OutputBuilder(1_000_000_000n, bob.address))
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .sendChangeTo(alice.address)
      .build()
      .toEIP12Object();
    const tx = alice.sign(unsigned, devnet, [readOnly!]);
    expect(await devnet.check(tx)).toBe(tx.id);
    // The UTXO check comes before the proofs, so an edited data input is reported as missing.
    const ghost = "ef".repeat(32);
    const error = await rejection(devnet.check({ ...tx, dataInputs: [{ boxId: ghost }] }));
    expect(error.reason).toBe(`data input box ${ghost} not found in the UTXO set or the mempool`);
  });

  it("Should reject a malformed transaction with what is wrong", async () => {
    const error = await rejection(devnet.submit({ inputs: [], outputs: [] }));
    expect(error.reason).toMatch(/^Malformed transaction: inputs: a transaction spends at least one input/);
  });

  it("Should read node JSON with number amounts and no ids, and JSON text, as the same transaction", async () => {
    await devnet.mine();
    const tx = await alicePays(1_000_000_000n);
    const bare = {
      inputs: tx.inputs,
      dataInputs: [],
      outputs: tx.outputs.map((output) => ({
        value: Number(output.value),
        ergoTree: output.ergoTree,
        creationHeight: output.creationHeight,
        assets: output.assets ?? [],
        additionalRegisters: output.additionalRegisters ?? {},
      })),
    };
    expect(await devnet.check(bare)).toBe(tx.id);
    expect(await devnet.check(JSON.stringify(tx))).toBe(tx.id);
  });

  it("Should check without adding to the mempool", async () => {
    await devnet.mine();
    const tx = await alicePays(1_000_000_000n);
    expect(await devnet.check(tx)).toBe(tx.id);
    expect((await devnet.mine()).txIds).toEqual([]);
  });

  it("Should accept chained unconfirmed transactions and mine them in order", async () => {
    await devnet.mine();
    const carol = new TestWallet();
    const toBob = await alicePays(4_000_000_000n);
    await devnet.submit(toBob);
    const bobBox = (await devnet.unspentBoxes(bob.address)).find((box) => box.transactionId === toBob.id)!;
    const toCarol = bob.sign(bob.payment(devnet, [bobBox], carol.address, 2_000_000_000n), devnet);
    await devnet.submit(toCarol);
    const carolBox = (await devnet.unspentBoxes(carol.address))[0]!;
    const back = carol.sign(carol.payment(devnet, [carolBox], alice.address, 1_000_000_000n), devnet);
    await devnet.submit(back);
    const block = await devnet.mine();
    expect(block.txIds).toEqual([toBob.id, toCarol.id, back.id]);
    expect(block.droppedTxIds).toEqual([]);
  });

  it("Should drop a mempool transaction that is no longer valid when the block is mined", async () => {
    const deadline = Date.now() + 1_500;
    const script = compile(`sigmaProp(CONTEXT.preHeader.timestamp < ${deadline}L)`).toHex();
    const lock = alice.sign(
      new TransactionBuilder(devnet.height)
        .from([toWireBox(await largestBox(alice))])
        .to(new OutputBuilder(2_000_000_000n, script))
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .sendChangeTo(alice.address)
        .build()
        .toEIP12Object(),
      devnet,
    );
    await devnet.submit(lock);
    await devnet.mine();
    const locked = (await devnet.unspentBox(lock.outputs[0]!.boxId))!;
    const unlock = new TransactionBuilder(devnet.height)
      .from([toWireBox(locked)])
      .to(new OutputBuilder(1_000_000_000n, bob.address))
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .sendChangeTo(bob.address)
      .build()
      .toEIP12Object();
    const signed = bob.sign(unlock, devnet);
    await devnet.submit(signed);
    const valid = await alicePays(1_000_000_000n);
    await devnet.submit(valid);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now() + 50)));
    const block = await devnet.mine();
    expect(block.droppedTxIds).toEqual([signed.id]);
    expect(block.txIds).toEqual([valid.id]);
    expect(await devnet.unspentBox(locked.boxId)).toEqual(locked);
  });
});
