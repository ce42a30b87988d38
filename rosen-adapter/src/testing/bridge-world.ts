// One Rosen bridge on the devnet for tests: a deployed GPUC protocol, Rosen's Ergo side deployed by
// deployRosenDevnet (guard box, Lock.es with a devnet GuardNFT, minted tokens, min-fee boxes), the registry over
// the devnet token map, and the Config whitelist proposed from it by the admin.
import { readFileSync } from "node:fs";
import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  buildConfigUpdate,
  buildOraclePoolMintTx,
  parseConfigBox,
  type SignedTransaction,
  tokenAmount,
} from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import {
  deployForTest,
  fundedKey,
  type LetsFixture,
  type TestKey,
  testKey,
} from "@gpuc/offchain/testing/protocol";
import { deployRosenDevnet, type RosenDevnetDeployment } from "../devnet/deploy.ts";
import { buildGuardPayment } from "../devnet/faucet.ts";
import { MinFeeBoxReader } from "../fees/minFee.ts";
import { type GpucUsdPrice, proposedWhitelist } from "../swap/eligibility.ts";
import { TokenRegistry } from "../tokens/registry.ts";

/** The devnet token map template: USDT set, SigUSD, rsETH, ERG. */
export const DEVNET_TEMPLATE: unknown = JSON.parse(
  readFileSync(new URL("../../token-maps/devnet.template.json", import.meta.url), "utf8"),
);

/** 1 GPUC = 1 ERG (deployForTest's price) and 1 ERG = $0.50: 1 USD buys 2 GPUC. */
export const WORLD_PRICE: GpucUsdPrice = {
  priceNanoErgPerGpuc: 1_000_000_000n,
  nanoErgPerUsd: 2_000_000_000n,
};

export interface BridgeWorld {
  readonly chain: TestChain;
  readonly lets: LetsFixture;
  readonly guard: TestKey;
  readonly rosen: RosenDevnetDeployment;
  readonly registry: TokenRegistry;
  readonly minFees: MinFeeBoxReader;
  /** A devnet ERG/USD oracle pool (EIP-23 layout) at WORLD_PRICE's rate. */
  readonly poolNftId: string;
  /** The admin proposes (and signs) the whitelist the registry gives at WORLD_PRICE; mined. */
  proposeWhitelist(registry?: TokenRegistry): Promise<void>;
  /** A guard-style payment (the guard wallet → `address`) of `amount` units of the map token `name`; mined. */
  guardPay(address: string, name: string, amount: bigint): Promise<string>;
  send(key: Pick<TestKey, "signer">, tx: EIP12UnsignedTransaction): Promise<string>;
  /** The confirmed transaction, as the node's API returns it. */
  transaction(txId: string): Promise<SignedTransaction>;
  held(address: string, tokenId: string): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startBridgeWorld(): Promise<BridgeWorld> {
  const chain = await startTestChain();
  const lets = await deployForTest(chain);
  const guard = await fundedKey(chain, 50_000_000_000n);
  const rosen = await deployRosenDevnet({
    chain: chain.client,
    guard: guard.signer,
    template: DEVNET_TEMPLATE,
    minFeeOwner: testKey().address,
    confirm: () => chain.mine(),
  });
  const registry = await TokenRegistry.load(rosen.tokenMap);
  const minFees = new MinFeeBoxReader({
    nodeUrl: chain.devnet.url,
    minFeeNft: rosen.minFeeNftId,
    height: () => chain.client.height(),
  });
  const send = (key: Pick<TestKey, "signer">, tx: EIP12UnsignedTransaction) =>
    chain.signSubmitMine(key.signer, tx);
  // The pool's own operator: a wallet that pays other transactions would spend the pool box as a plain input.
  const operator = await fundedKey(chain, 1_000_000_000n);
  const pool = buildOraclePoolMintTx({
    inputs: await chain.client.unspentByAddress(operator.address),
    height: await chain.client.height(),
    changeAddress: operator.address,
    operatorAddress: operator.address,
    nanoErgPerUsd: WORLD_PRICE.nanoErgPerUsd,
  });
  await send(operator, pool.tx);
  return {
    chain,
    lets,
    guard,
    rosen,
    registry,
    minFees,
    poolNftId: pool.nftId,
    async proposeWhitelist(map = registry) {
      const config = parseConfigBox(await lets.configBox());
      const whitelist = proposedWhitelist(map, config, WORLD_PRICE, await lets.bankBox());
      const update = {
        deployment: lets.deployment,
        configBox: await lets.configBox(),
        role: "admin" as const,
      };
      await send(
        lets.admin,
        buildConfigUpdate({ ...update, changes: { whitelist } }, await lets.wallet(lets.admin)),
      );
    },
    async guardPay(address, name, amount) {
      const tx = buildGuardPayment({
        inputs: await chain.client.unspentByAddress(guard.address),
        height: await chain.client.height(),
        guardAddress: guard.address,
        to: address,
        tokenId: registry.resolve(name).tokenId,
        amount,
      });
      return send(guard, tx);
    },
    send,
    async transaction(txId) {
      const response = await fetch(`${chain.devnet.url}/blockchain/transaction/byId/${txId}`);
      return (await response.json()) as SignedTransaction;
    },
    async held(address, tokenId) {
      const boxes = await chain.client.unspentByAddress(address);
      return boxes.reduce((sum, box) => sum + tokenAmount(box, tokenId), 0n);
    },
    stop: () => chain.stop(),
  };
}
