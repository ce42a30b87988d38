import type { Amount, Box } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import type { Deployment } from "@gpuc/ergoscript";
import { SecretKey } from "ergo-lib-wasm-nodejs";
import { Signer } from "../../signing/signer.ts";
import type { TestChain } from "../../testing.ts";
import { buildConfigUpdate } from "../config/update.ts";
import { type ConfigSettings, encodeConfigRegisters } from "../config.ts";
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
  /** The arbiter moves the Config price (nanoERG per GPUC); mined before this resolves. */
  setPrice(price: bigint): Promise<void>;
  /** An attacker's look-alike Config box: `settings` under an NFT `key` minted (not the deployment's). */
  mintFakeConfig(key: TestKey, settings: ConfigSettings): Promise<{ tokenId: string; box: Box<Amount> }>;
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
  const wallet = async (key: Pick<TestKey, "address">): Promise<WalletContext> => {
    const inputs = await chain.client.unspentByAddress(key.address);
    return { inputs, changeAddress: key.address, height: await chain.client.height() };
  };
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
    wallet,
    async setPrice(price) {
      const update = {
        deployment,
        configBox: await configBox(),
        role: "arbiter" as const,
        changes: { price },
      };
      await chain.signSubmitMine(arbiter.signer, buildConfigUpdate(update, await wallet(arbiter)));
    },
    async mintFakeConfig(key, fakeSettings) {
      const from = await wallet(key);
      const output = new OutputBuilder(10_000_000n, key.address)
        .mintToken({ amount: 1n, name: "GPUC Config" })
        .setAdditionalRegisters(encodeConfigRegisters(fakeSettings));
      const unsigned = new TransactionBuilder(from.height)
        .from([...from.inputs])
        .to(output)
        .sendChangeTo(key.address)
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .build();
      const tokenId = unsigned.inputs[0]!.boxId;
      await chain.signSubmitMine(key.signer, unsigned.toEIP12Object());
      return { tokenId, box: await byToken(tokenId) };
    },
  };
}
