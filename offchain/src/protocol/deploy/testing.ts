import type { Amount, Box } from "@fleet-sdk/common";
import type { Deployment } from "@gpuc/ergoscript";
import { SecretKey } from "ergo-lib-wasm-nodejs";
import { Signer } from "../../signing/signer.ts";
import type { TestChain } from "../../testing.ts";
import type { ConfigSettings } from "../config.ts";
import type { LetsBoxes } from "../credit/lets.ts";
import type { WalletContext } from "../credit/wallet.ts";
import { DEFAULT_PARAMS, deployProtocol } from "../deploy.ts";

/** A key whose secret the test keeps, so adversarial tests can prove inputs through ergo-lib directly. */
export interface TestKey {
  readonly signer: Signer;
  readonly secretHex: string;
  readonly address: string;
}

export function testKey(): TestKey {
  const secretHex = Buffer.from(SecretKey.random_dlog().to_bytes()).toString("hex");
  const signer = Signer.fromSecretHex(secretHex, "testnet");
  return { signer, secretHex, address: signer.address };
}

/** A test key funded by the devnet faucet (mined before this resolves). */
export async function fundedKey(
  chain: TestChain,
  nanoErgs = 100_000_000_000n,
  tokens: { amount: bigint; name?: string; decimals?: number }[] = [],
): Promise<TestKey & { tokenIds: string[] }> {
  const key = testKey();
  const { tokenIds } = await chain.devnet.faucet(key.address, { nanoErgs, tokens });
  await chain.mine();
  return { ...key, tokenIds };
}

/** A deployed GPUC protocol on a test chain, with its keys and lookups of the live protocol boxes. */
export interface LetsFixture {
  readonly chain: TestChain;
  readonly deployment: Deployment;
  readonly admin: TestKey;
  readonly arbiter: TestKey;
  /** Address the treasury's fees and penalties go to. */
  readonly treasury: TestKey;
  /** A whitelisted stable token (2 decimals, rate 10,000 GPUC units per unit, like SigUSD). */
  readonly stableTokenId: string;
  /** A key holding the whole stable-token supply. */
  readonly stableHolder: TestKey;
  configBox(): Promise<Box<Amount>>;
  bankBox(): Promise<Box<Amount>>;
  /** Config and Bank boxes for a LETS builder. */
  boxes(): Promise<LetsBoxes & { bankBox: Box<Amount> }>;
  /** A key's unspent boxes as the wallet side of a builder. */
  wallet(key: Pick<TestKey, "address">): Promise<WalletContext>;
}

/** Devnet-friendly parameters: an "hour" of 5 blocks and short windows. */
export const TEST_PARAMS = {
  ...DEFAULT_PARAMS,
  blocksPerHour: 5,
  unbondingBlocks: 10,
  disputeGraceBlocks: 5,
  minStakePerGpu: 1_000_000_000n,
};

/**
 * Deploys GPUC on a test chain (price: 1 GPUC = 1 ERG unless overridden) with a whitelisted stable token.
 *
 * @example
 * const chain = await startTestChain();
 * const lets = await deployForTest(chain);
 */
export async function deployForTest(
  chain: TestChain,
  overrides: Partial<ConfigSettings> = {},
): Promise<LetsFixture> {
  const admin = await fundedKey(chain);
  const arbiter = await fundedKey(chain, 10_000_000_000n);
  const treasury = testKey();
  const stableHolder = await fundedKey(chain, 10_000_000_000n, [
    { amount: 100_000_000n, name: "TestUSD", decimals: 2 },
  ]);
  const stableTokenId = stableHolder.tokenIds[0]!;
  const settings: ConfigSettings = {
    ...TEST_PARAMS,
    price: 1_000_000_000n,
    whitelist: [{ tokenId: stableTokenId, rate: 10_000n }],
    admin: admin.address,
    arbiter: arbiter.address,
    treasury: treasury.address,
    ...overrides,
  };
  const deployment = await deployProtocol({
    chain: chain.client,
    signer: admin.signer,
    network: "devnet",
    settings,
    afterSubmit: () => chain.mine(),
  });
  const byToken = async (tokenId: string) => (await chain.client.unspentByTokenId(tokenId))[0]!;
  const configBox = () => byToken(deployment.configNftId);
  const bankBox = () => byToken(deployment.bankNftId);
  return {
    chain,
    deployment,
    admin,
    arbiter,
    treasury,
    stableTokenId,
    stableHolder,
    configBox,
    bankBox,
    async boxes() {
      return { deployment, configBox: await configBox(), bankBox: await bankBox() };
    },
    async wallet(key) {
      const inputs = await chain.client.unspentByAddress(key.address);
      return { inputs, changeAddress: key.address, height: await chain.client.height() };
    },
  };
}
