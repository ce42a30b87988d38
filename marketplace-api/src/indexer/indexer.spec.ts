import { ErgoAddress, OutputBuilder, SAFE_MIN_BOX_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { Signer } from "@gpuc/offchain";
import { type TestWallet as ChainWallet, startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger } from "@gpuc/platform";
import { statusSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, ok, startHarness } from "../testing/harness.ts";
import { BoxClassifier, type IndexedDeployment } from "./classify.ts";
import { indexerHooks } from "./hooks.ts";
import { ChainIndexer } from "./indexer.ts";

const treeOf = (address: string) => ErgoAddress.fromBase58(address).ergoTree;
const someTree = () => ({ ergoTree: treeOf(Signer.random().address) });

describe("Chain indexer on the devnet", () => {
  let chain: TestChain;
  let h: Harness;
  let alice: ChainWallet;
  let bob: Signer;
  let deployment: IndexedDeployment;

  const indexer = () =>
    new ChainIndexer(
      chain.client,
      h.db,
      h.services.index,
      new BoxClassifier(deployment),
      indexerHooks(h.services),
      { startHeight: 1, pollMs: 50 },
      createLogger("indexer", { level: "error" }),
    );
  const balance = (address: string) => h.services.index.gpucBalance(treeOf(address));

  async function send(from: ChainWallet, to: string, units: bigint): Promise<string> {
    const inputs = await chain.client.unspentByAddress(from.address);
    const tx = new TransactionBuilder(await chain.client.height())
      .from(inputs)
      .to(
        new OutputBuilder(SAFE_MIN_BOX_VALUE, to).addTokens({
          tokenId: deployment.gpucTokenId,
          amount: units,
        }),
      )
      .sendChangeTo(from.address)
      .payMinFee()
      .build()
      .toEIP12Object();
    return chain.signSubmitMine(from.signer, tx);
  }

  beforeAll(async () => {
    chain = await startTestChain();
    h = await startHarness();
    alice = await chain.wallet({ tokens: [{ amount: 1_000_000n, name: "GPUC" }] });
    bob = Signer.random();
    // The project's token is the one the faucet minted; the contract trees are stand-ins (indexing is by tree).
    deployment = {
      gpucTokenId: alice.tokenIds[0]!,
      contracts: {
        config: someTree(),
        bank: someTree(),
        creditAccount: someTree(),
        providerStake: someTree(),
        rentalEscrow: someTree(),
      },
    };
  });
  afterAll(async () => {
    await h.close();
    await chain.stop();
  });

  it("Should index every block to the chain's height and read balances of GPUC boxes from the index", async () => {
    const blocks = await indexer().syncOnce();
    const height = await chain.client.height();
    expect(blocks).toBe(height);
    expect(await balance(alice.address)).toBe(1_000_000n);
    const status = ok(await h.request("GET", "/api/v1/status"), statusSchema);
    expect(status.indexer.height).toBe(height);
  });

  it("Should record spends and new boxes, and resume after a restart without re-indexing", async () => {
    const txId = await send(alice, bob.address, 400_000n);
    expect(await indexer().syncOnce()).toBe(1);
    expect(await balance(alice.address)).toBe(600_000n);
    expect(await balance(bob.address)).toBe(400_000n);
    const spent = await h.db.query<{ n: bigint }>(
      "SELECT COUNT(*) AS n FROM chain_boxes WHERE spent_tx_id = $1",
      [txId],
    );
    expect(spent[0]?.n).toBe(1n);
    // A new indexer over the same database (a restarted process) has nothing to redo.
    expect(await indexer().syncOnce()).toBe(0);
    await chain.mine();
    expect(await indexer().syncOnce()).toBe(1);
  });

  it("Should unwind blocks above a fork after the devnet's rollback", async () => {
    await send(alice, bob.address, 100_000n);
    const follower = indexer();
    await follower.syncOnce();
    expect(await balance(bob.address)).toBe(500_000n);
    const forkedTip = (await h.services.index.tip())!;

    await chain.devnet.rollback(1, { dropTransactions: true });
    await chain.mine();
    await chain.mine();
    expect(await follower.syncOnce()).toBe(2);

    expect(await balance(bob.address)).toBe(400_000n);
    expect(await balance(alice.address)).toBe(600_000n);
    const replaced = await h.services.index.blockAt(forkedTip.height);
    expect(replaced?.headerId).not.toBe(forkedTip.headerId);
    expect((await h.services.index.tip())?.height).toBe(await chain.client.height());
  });

  it("Should keep following in the background until stopped", async () => {
    const follower = indexer();
    follower.start();
    await chain.mine();
    const target = await chain.client.height();
    for (let i = 0; i < 100 && (await h.services.index.tip())?.height !== target; i++)
      await new Promise((r) => setTimeout(r, 20));
    await follower.stop();
    expect((await h.services.index.tip())?.height).toBe(target);
  });
});
