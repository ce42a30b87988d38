import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { OutputBuilder, TransactionBuilder } from "@fleet-sdk/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Signer } from "../signing/signer.ts";
import { signAndSubmit } from "../signing/submit.ts";
import { startTestChain, type TestChain, type TestWallet } from "../testing.ts";
import { waitForConfirmations } from "./confirm.ts";
import { ChainRejectedError, ChainUnreachableError } from "./errors.ts";
import { NodeChainClient } from "./nodeChainClient.ts";

describe("NodeChainClient against the devnet", () => {
  let chain: TestChain;
  let alice: TestWallet;

  beforeAll(async () => {
    chain = await startTestChain();
    alice = await chain.wallet({
      nanoErgs: 50_000_000_000n,
      tokens: [{ amount: 1_000_000n, name: "SigUSD", decimals: 2 }],
    });
  });
  afterAll(() => chain.stop());

  it("Should read info, headers and the funded boxes", async () => {
    const height = await chain.client.height();
    expect(height).toBeGreaterThan(0);
    const headers = await chain.client.lastHeaders(10);
    expect(headers.at(-1)?.height).toBe(height);
    expect(await chain.client.headerIdsAt(height)).toEqual([headers.at(-1)?.id]);
    expect((await chain.client.header(headers.at(-1)!.id)).height).toBe(height);

    const boxes = await chain.client.unspentByAddress(alice.address);
    expect(boxes.reduce((sum, box) => sum + BigInt(box.value), 0n)).toBe(50_000_000_000n);
    const tokenBoxes = await chain.client.unspentByTokenId(alice.tokenIds[0]!);
    expect(tokenBoxes.flatMap((box) => box.assets)).toEqual([
      { tokenId: alice.tokenIds[0], amount: "1000000" },
    ]);
    expect(await chain.client.unspentByErgoTree(boxes[0]!.ergoTree)).toHaveLength(boxes.length);
  });

  it("Should round-trip build → sign → submit → confirm, with chained unconfirmed spends", async () => {
    const bob = Signer.random();
    const height = await chain.client.height();
    const pay = (inputs: Parameters<TransactionBuilder["from"]>[0], to: string, nanoErgs: bigint) =>
      new TransactionBuilder(height)
        .from(inputs)
        .to(new OutputBuilder(nanoErgs, to))
        .sendChangeTo(alice.address)
        .payMinFee()
        .build()
        .toEIP12Object();

    const first = await signAndSubmit(
      chain.client,
      alice.signer,
      pay(await chain.client.unspentByAddress(alice.address), bob.address, 2_000_000_000n),
    );
    expect(await chain.client.unconfirmedTransaction(first.txId)).toMatchObject({ id: first.txId });
    // The change of the unconfirmed transaction is spendable at once.
    const change = await chain.client.unspentByAddress(alice.address);
    expect(change.map((box) => box.transactionId)).toContain(first.txId);
    const second = await signAndSubmit(chain.client, alice.signer, pay(change, bob.address, 1_000_000_000n));

    await chain.mine();
    await waitForConfirmations(chain.client, second.txId, 1, { timeoutMs: 5_000 });
    const confirmed = await chain.client.transaction(first.txId);
    expect(confirmed).toMatchObject({ id: first.txId, inclusionHeight: height + 1, numConfirmations: 1 });
    const bobBoxes = await chain.client.unspentByAddress(bob.address);
    expect(bobBoxes.map((box) => box.value).sort()).toEqual(["1000000000", "2000000000"]);
    const spent = await chain.client.indexedBox(change[0]!.boxId);
    expect(spent?.spentTransactionId).toBe(second.txId);
    expect(await chain.client.unspentBox(change[0]!.boxId)).toBeUndefined();
  });

  it("Should surface the validator's reason when a transaction is rejected", async () => {
    const boxes = await chain.client.unspentByAddress(alice.address);
    const tx = new TransactionBuilder(await chain.client.height())
      .from(boxes)
      .to(new OutputBuilder(1_000_000_000n, Signer.random().address))
      .sendChangeTo(alice.address)
      .payMinFee()
      .build()
      .toEIP12Object();
    const signed = await alice.signer.sign(tx, chain.client);
    await chain.client.submit(signed);
    const error = await chain.client.submit(signed).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChainRejectedError);
    expect((error as ChainRejectedError).reason).toMatch(/spent|double/i);
  });

  it("Should wait for the next block on the devnet's long-poll, and answer at once when the tip moved", async () => {
    const height = await chain.client.height();
    expect(await chain.client.nextBlock(height - 1, { timeoutMs: 5_000 })).toBe(height);
    const waiting = chain.client.nextBlock(height, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await chain.mine();
    expect(await waiting).toBe(height + 1);
    expect(await chain.client.nextBlock(height + 1, { timeoutMs: 100 })).toBe(height + 1);
  });

  it("Should give up a wait when its signal aborts, and answer undefined from a node without the push", async () => {
    const aborted = new AbortController();
    const waiting = chain.client.nextBlock(await chain.client.height(), {
      timeoutMs: 10_000,
      signal: aborted.signal,
    });
    aborted.abort();
    await expect(waiting).rejects.toBeInstanceOf(ChainUnreachableError);
    // A real Ergo node answers 404 to the devnet's paths.
    const node = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));
    const { port } = node.address() as AddressInfo;
    try {
      const client = new NodeChainClient(`http://127.0.0.1:${port}`);
      expect(await client.nextBlock(1, { timeoutMs: 1_000 })).toBeUndefined();
    } finally {
      node.close();
    }
  });

  it("Should say which node is unreachable", async () => {
    const client = new NodeChainClient("http://127.0.0.1:1", { timeoutMs: 1_000 });
    await expect(client.info()).rejects.toBeInstanceOf(ChainUnreachableError);
  });
});
