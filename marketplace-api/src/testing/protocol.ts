import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import type { Deployment } from "@gpuc/ergoscript";
import { buildSwapIn, DEFAULT_PARAMS, deployProtocol, type ProtocolParams, Signer } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { TestWallet } from "./wallet.ts";

/** Devnet parameters: a 2-block "hour", short windows, 2% rental fee, no swap fee. */
export const PROTOCOL_TEST_PARAMS: ProtocolParams = {
  ...DEFAULT_PARAMS,
  blocksPerHour: 2,
  unbondingBlocks: 4,
  disputeGraceBlocks: 2,
  swapFeeBps: 0,
  minStakePerGpu: 1_000_000_000n,
};

/** A full GPUC deployment on a devnet whose arbiter is a key the test (and the marketplace) holds. */
export interface ProtocolChain {
  readonly chain: TestChain;
  readonly deployment: Deployment;
  /** The Config's arbiter (R8): give its `secretHex` to the marketplace as ARBITER_SECRET_HEX. */
  readonly arbiter: TestWallet;
  /** Where the protocol fees go (a plain key, so tests can read its balance). */
  readonly treasury: TestWallet;
  /** Sends `nanoErgs` and `gpuc` units (swapped in through the Bank at deployment) to `address`, mined. */
  fund(address: string, funding: { nanoErgs?: bigint; gpuc?: bigint }): Promise<void>;
  /** GPUC units in `address`'s unspent boxes (mempool applied). */
  gpucOf(address: string): Promise<bigint>;
  /** Signs with the test wallet's key, submits and mines; resolves to the transaction id. */
  send(tx: EIP12UnsignedTransaction, wallet: TestWallet): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Deploys GPUC with `deployProtocol` (Config, Bank holding the whole supply) and swaps a whitelisted test stable
 * token into the Bank, so the deployer holds real GPUC to hand out.
 *
 * @example
 * const pc = await startProtocolChain();
 * await pc.fund(consumer.address, { gpuc: 1_000_000_000n });
 */
export async function startProtocolChain(params = PROTOCOL_TEST_PARAMS): Promise<ProtocolChain> {
  const chain = await startTestChain();
  const admin = Signer.random("testnet");
  const arbiter = new TestWallet();
  const treasury = new TestWallet();
  const {
    tokenIds: [stableId],
  } = await chain.devnet.faucet(admin.address, {
    nanoErgs: 1_000_000_000_000n,
    tokens: [{ amount: 100_000_000n, name: "TestUSD", decimals: 2 }],
  });
  await chain.devnet.faucet(arbiter.address, { nanoErgs: 10_000_000_000n });
  await chain.mine();
  const deployment = await deployProtocol({
    chain: chain.client,
    signer: admin,
    network: "testnet",
    settings: {
      ...params,
      price: 1_000_000_000n,
      whitelist: [{ tokenId: stableId!, rate: 10_000n }],
      admin: admin.address,
      arbiter: arbiter.address,
      treasury: treasury.address,
    },
    afterSubmit: () => chain.mine(),
  });
  const byToken = async (tokenId: string) => (await chain.client.unspentByTokenId(tokenId))[0]!;
  // 1,000,000 cents of TestUSD → 10,000 GPUC for the deployer to hand out.
  const swap = buildSwapIn(
    {
      deployment,
      configBox: await byToken(deployment.configNftId),
      bankBox: await byToken(deployment.bankNftId),
      tokenId: stableId!,
      amount: 1_000_000n,
    },
    {
      inputs: await chain.client.unspentByAddress(admin.address),
      changeAddress: admin.address,
      height: await chain.client.height(),
    },
  );
  await chain.signSubmitMine(admin, swap);

  const gpucOf = async (address: string) =>
    (await chain.client.unspentByAddress(address))
      .flatMap((box) => box.assets)
      .filter((asset) => asset.tokenId === deployment.gpucTokenId)
      .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);

  return {
    chain,
    deployment,
    arbiter,
    treasury,
    gpucOf,
    async fund(address, funding) {
      const output = new OutputBuilder(funding.nanoErgs ?? 10_000_000_000n, address);
      if (funding.gpuc) output.addTokens({ tokenId: deployment.gpucTokenId, amount: funding.gpuc });
      const tx = new TransactionBuilder(await chain.client.height())
        .from(await chain.client.unspentByAddress(admin.address))
        .to(output)
        .sendChangeTo(admin.address)
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .build()
        .toEIP12Object();
      await chain.signSubmitMine(admin, tx);
    },
    send: (tx, wallet) => chain.signSubmitMine(Signer.fromSecretHex(wallet.secretHex, "testnet"), tx),
    stop: () => chain.stop(),
  };
}
