import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { listingHash } from "@gpuc/sdk";
import type { ChainBox } from "../../chain/types.ts";
import { expectRefused, type Party, type RentalsChain } from "../escrow/testChain.ts";
import {
  buildCreateStakeTx,
  buildSlashStakeTx,
  buildUpdateStakeTx,
  buildWithdrawStakeTx,
  type StakeUpdateParams,
} from "./stake.ts";

// Test-only: Provider Stake transactions on a rentals test chain, built honestly, for specs to submit or tamper.

export const ERG = 1_000_000_000n;
export const LISTING = {
  gpus: [{ model: "RTX 4090", vramGb: 24, count: 2 }],
  pricePerHour: 1_500_000n,
  region: "eu-west",
};
export const EVIDENCE = "ee".repeat(32);

export function stakeKit(rc: RentalsChain) {
  const output = async (signed: { outputs: { boxId?: string }[] }, index: number): Promise<ChainBox> =>
    (await rc.chain.client.unspentBox(signed.outputs[index]!.boxId!))!;
  /** The transaction creating a bonded stake of `owner` for LISTING (the stake at output 0). */
  const createTx = async (owner: Party, amount = 10n * ERG): Promise<EIP12UnsignedTransaction> =>
    buildCreateStakeTx({
      deployment: rc.deployment,
      provider: owner.address,
      amount,
      listingHash: listingHash(LISTING),
      height: await rc.height(),
      inputs: await rc.unspent(owner.address),
      changeAddress: owner.address,
    });
  return {
    output,
    createTx,
    /** A bonded stake of `owner` for LISTING, on chain. */
    async create(owner: Party, amount = 10n * ERG): Promise<ChainBox> {
      return output(await rc.send(await createTx(owner, amount), owner), 0);
    },
    /** The owner's update of `stakeBox` (paid by `payer`, the owner unless given). */
    async updateTx(
      stakeBox: ChainBox,
      owner: Party,
      change: Partial<StakeUpdateParams>,
      payer: Party = owner,
    ): Promise<EIP12UnsignedTransaction> {
      return buildUpdateStakeTx({
        deployment: rc.deployment,
        stakeBox,
        provider: owner.address,
        height: await rc.height(),
        inputs: await rc.unspent(payer.address),
        changeAddress: payer.address,
        ...change,
      });
    },
    /** A withdrawal of an unbonded stake to `payer` (the owner unless given), reading `configBox`. */
    async withdrawTx(stakeBox: ChainBox, owner: Party, payer: Party = owner, configBox?: ChainBox) {
      return buildWithdrawStakeTx({
        deployment: rc.deployment,
        configBox: configBox ?? (await rc.configBox()),
        stakeBox,
        provider: owner.address,
        height: await rc.height(),
        inputs: await rc.unspent(payer.address),
        changeAddress: payer.address,
      });
    },
    /** The arbiter's slash of `amount` to the treasury with EVIDENCE (paid by `payer`, reading `configBox`). */
    async slashTx(stakeBox: ChainBox, amount: bigint, payer: Party = rc.arbiter, configBox?: ChainBox) {
      return buildSlashStakeTx({
        deployment: rc.deployment,
        configBox: configBox ?? (await rc.configBox()),
        stakeBox,
        amount,
        recipient: rc.treasury.address,
        evidenceHash: EVIDENCE,
        height: await rc.height(),
        inputs: await rc.unspent(payer.address),
        changeAddress: payer.address,
      });
    },
    /** The devnet refuses `tx`, and the inputs whose scripts said no are exactly `refused`. */
    expectRefused: (tx: EIP12UnsignedTransaction, signers: Party[], refused: string[]) =>
      expectRefused(rc, tx, signers, refused),
  };
}
