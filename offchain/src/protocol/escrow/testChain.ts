import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { hex, randomBytes } from "@fleet-sdk/crypto";
import { compileDeployment, type Deployment } from "@gpuc/ergoscript";
import { SecretKey } from "ergo-lib-wasm-nodejs";
import { expect } from "vitest";
import type { ChainBox, SignedTransaction } from "../../chain/types.ts";
import { Signer } from "../../signing/signer.ts";
import { nextBlockContext } from "../../signing/stateContext.ts";
import { startTestChain, type TestChain } from "../../testing.ts";
import { type ConfigSettings, encodeConfigRegisters, type ProtocolParams } from "../config.ts";
import { proveEachInput } from "../deploy/tamper.ts";
import { DEFAULT_PARAMS } from "../deploy.ts";

// Test-only: a devnet with a Config box and a GPUC token of its own, for the rentals contracts. The Config NFT
// and GPUC are minted by the faucet and the Config box is written directly, so these tests do not depend on the
// Bank or Credit Account contracts.

/** A key whose secret the test knows, so tampered transactions can be signed input by input. */
export interface Party {
  readonly secret: string;
  readonly signer: Signer;
  readonly address: string;
}

export interface RentalsChain {
  readonly chain: TestChain;
  readonly deployment: Deployment;
  readonly params: ProtocolParams;
  readonly admin: Party;
  readonly arbiter: Party;
  /** Where fees go (a plain P2PK address, so tests can read its balance). */
  readonly treasury: Party;
  /** A funded key (10 ERG by default) holding `gpuc` units. */
  party(funding?: { nanoErgs?: bigint; gpuc?: bigint }): Promise<Party>;
  configBox(): Promise<ChainBox>;
  /**
   * An attacker's look-alike of the Config box: the real settings with `changes`, in a plain box under an NFT that
   * is not the deployment's. Every contract reading the Config must refuse it.
   */
  fakeConfig(changes?: Partial<ConfigSettings>): Promise<ChainBox>;
  /** The chain's current height (the next block is `height() + 1`). */
  height(): Promise<number>;
  /** Mines until the chain's height is `height`. */
  mineTo(height: number): Promise<void>;
  unspent(address: string): Promise<ChainBox[]>;
  /** Signs with every party's key, submits and mines; resolves to the signed transaction. */
  send(tx: EIP12UnsignedTransaction, ...signers: Party[]): Promise<SignedTransaction>;
  /**
   * Signs every input the parties' keys can prove (an input whose script reduces to false, or that wants a key
   * they lack, gets an empty proof), submits, and resolves to the devnet's rejection reason and the ids of the
   * inputs that could not be proven; throws if the devnet accepts the transaction.
   */
  reject(tx: EIP12UnsignedTransaction, ...signers: Party[]): Promise<Rejection>;
  stop(): Promise<void>;
}

export interface Rejection {
  readonly reason: string;
  /** Box ids of the inputs the given keys could not prove. */
  readonly unprovable: readonly string[];
}

/** Test parameters: 4-block hours, short unbonding and grace, 2% fee. */
export const TEST_PARAMS: ProtocolParams = {
  ...DEFAULT_PARAMS,
  blocksPerHour: 4,
  unbondingBlocks: 6,
  disputeGraceBlocks: 3,
  minStakePerGpu: 1_000_000_000n,
};

export async function startRentalsChain(params: ProtocolParams = TEST_PARAMS): Promise<RentalsChain> {
  const chain = await startTestChain();
  const newParty = (): Party => {
    const secret = hex.encode(SecretKey.random_dlog().to_bytes());
    const signer = Signer.fromSecretHex(secret);
    return { secret, signer, address: signer.address };
  };
  const [admin, arbiter, treasury] = [newParty(), newParty(), newParty()];
  const {
    tokenIds: [configNftId],
  } = await chain.devnet.faucet(admin.address, {
    nanoErgs: 100_000_000_000_000n, // 100,000 ERG to fund every party of a test or bench
    tokens: [{ amount: 1n, name: "GPUC Config (test)" }],
  });
  await chain.mine();
  const {
    tokenIds: [gpucTokenId],
  } = await chain.devnet.faucet(admin.address, {
    nanoErgs: 1_000_000_000n,
    tokens: [{ amount: 10n ** 15n, name: "GPUC (test)", decimals: 6 }],
  });
  await chain.devnet.faucet(arbiter.address, { nanoErgs: 100_000_000_000n });
  await chain.mine();
  const ids = {
    configNftId: configNftId!,
    bankNftId: hex.encode(randomBytes(32)),
    gpucTokenId: gpucTokenId!,
  };
  const deployment = compileDeployment(ids, "testnet", chain.devnet.height);

  const signTx = async (tx: EIP12UnsignedTransaction, signers: Party[]) =>
    Signer.fromSecretHex(signers.map((party) => party.secret)).sign(tx, chain.client);
  const send = async (tx: EIP12UnsignedTransaction, ...signers: Party[]) => {
    const signed = await signTx(tx, signers);
    await chain.client.submit(signed);
    await chain.mine();
    return signed;
  };
  const height = () => chain.client.height();
  const unspent = (address: string) => chain.client.unspentByAddress(address);

  const settings = {
    ...params,
    price: 1_000_000n,
    whitelist: [],
    admin: admin.address,
    arbiter: arbiter.address,
  };
  const configTx = new TransactionBuilder(await height())
    .from(await unspent(admin.address))
    .to(
      new OutputBuilder(SAFE_MIN_BOX_VALUE, deployment.contracts.config.ergoTree)
        .addTokens({ tokenId: ids.configNftId, amount: 1n })
        .setAdditionalRegisters(encodeConfigRegisters({ ...settings, treasury: treasury.address })),
    )
    .sendChangeTo(admin.address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build()
    .toEIP12Object();
  await send(configTx, admin);

  return {
    chain,
    deployment,
    params,
    admin,
    arbiter,
    treasury,
    height,
    unspent,
    send,
    async party(funding = {}) {
      const party = newParty();
      const tx = new TransactionBuilder(await height())
        .from(await unspent(admin.address))
        .to(
          funding.gpuc
            ? new OutputBuilder(funding.nanoErgs ?? 10_000_000_000n, party.address).addTokens({
                tokenId: ids.gpucTokenId,
                amount: funding.gpuc,
              })
            : new OutputBuilder(funding.nanoErgs ?? 10_000_000_000n, party.address),
        )
        .sendChangeTo(admin.address)
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .build()
        .toEIP12Object();
      await send(tx, admin);
      return party;
    },
    async configBox() {
      const [box] = await chain.client.unspentByTokenId(ids.configNftId);
      if (!box) throw new Error("The test Config box is gone");
      return box;
    },
    async fakeConfig(changes = {}) {
      const minted = await chain.devnet.faucet(admin.address, {
        nanoErgs: SAFE_MIN_BOX_VALUE + RECOMMENDED_MIN_FEE_VALUE,
        tokens: [{ amount: 1n, name: "GPUC Config (fake)" }],
      });
      await chain.mine();
      const nft = minted.tokenIds[0]!;
      const registers = encodeConfigRegisters({ ...settings, treasury: treasury.address, ...changes });
      const tx = new TransactionBuilder(await height())
        .from(await chain.client.unspentByTokenId(nft))
        .to(
          new OutputBuilder(SAFE_MIN_BOX_VALUE, admin.address)
            .addTokens({ tokenId: nft, amount: 1n })
            .setAdditionalRegisters(registers),
        )
        .sendChangeTo(admin.address)
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .build()
        .toEIP12Object();
      await send(tx, admin);
      return (await chain.client.unspentByTokenId(nft))[0]!;
    },
    async mineTo(target) {
      while ((await height()) < target) await chain.mine();
    },
    async reject(tx, ...signers) {
      const { signed, unprovable } = proveEachInput(
        tx,
        signers.map((party) => party.secret),
        nextBlockContext(await chain.client.lastHeaders(10)),
      );
      try {
        await chain.client.submit(signed);
      } catch (error) {
        if (error instanceof Error && "reason" in error) return { reason: String(error.reason), unprovable };
        throw error;
      }
      throw new Error("The devnet accepted a transaction the contract should reject");
    },
    stop: () => chain.stop(),
  };
}

/**
 * The devnet refuses `tx` because a script reduced to false, and the inputs the given keys could not prove are
 * exactly `refused` (box ids): with every key the path wants, those are the inputs whose guards said no.
 */
export async function expectRefused(
  rc: RentalsChain,
  tx: EIP12UnsignedTransaction,
  signers: readonly Party[],
  refused: readonly string[],
): Promise<void> {
  const { reason, unprovable } = await rc.reject(tx, ...signers);
  expect(reason).toMatch(/reduced to false/i);
  expect(unprovable).toEqual(refused);
}
