import { Devnet } from "@gpuc/devnet";
import { createTestDatabase } from "@gpuc/platform/testing";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { NodeChainClient } from "./chain/nodeChainClient.ts";
import { Signer } from "./signing/signer.ts";

export interface TestWallet {
  readonly signer: Signer;
  readonly address: string;
  /** Ids of the tokens the faucet minted for this wallet, in the order asked for. */
  readonly tokenIds: string[];
}

export interface WalletFunding {
  nanoErgs?: bigint;
  tokens?: { amount: bigint; name?: string; decimals?: number }[];
}

export interface TestChain {
  readonly devnet: Devnet;
  /** The same HTTP client services use, pointed at the devnet. */
  readonly client: NodeChainClient;
  /** A fresh key funded by the faucet; the funding is mined before this resolves. */
  wallet(funding?: WalletFunding): Promise<TestWallet>;
  /** Mines a block with everything in the mempool. */
  mine(): Promise<void>;
  /** Signs with `signer`, submits through the HTTP API and mines; resolves to the tx id. */
  signSubmitMine(signer: Signer, tx: UnsignedTransaction): Promise<string>;
  stop(): Promise<void>;
}

/**
 * An in-process devnet (full ergo-lib validation) on a fresh database of the test PostgreSQL server, with blocks
 * mined on demand only, and an HTTP ChainClient pointed at it.
 *
 * @example
 * const chain = await startTestChain();
 * const alice = await chain.wallet({ nanoErgs: 10_000_000_000n });
 * afterAll(() => chain.stop());
 */
export async function startTestChain(): Promise<TestChain> {
  const database = await createTestDatabase("chain");
  const devnet = await Devnet.start({ databaseUrl: database.url, blockMs: 0, port: 0 });
  const client = new NodeChainClient(devnet.url);
  const mine = async () => {
    await devnet.mine();
  };
  return {
    devnet,
    client,
    mine,
    async wallet(funding = {}) {
      const signer = Signer.random();
      const { tokenIds } = await devnet.faucet(signer.address, {
        nanoErgs: funding.nanoErgs ?? 100_000_000_000n,
        tokens: funding.tokens,
      });
      await mine();
      return { signer, address: signer.address, tokenIds };
    },
    async signSubmitMine(signer, tx) {
      const txId = await client.submit(await signer.sign(tx, client));
      await mine();
      return txId;
    },
    async stop() {
      await devnet.stop();
      await database.drop();
    },
  };
}
