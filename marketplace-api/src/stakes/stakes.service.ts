import type { IndexStore } from "@gpuc/indexer";
import {
  buildCreateStakeTx,
  buildUpdateStakeTx,
  buildWithdrawStakeTx,
  type StakeState as ChainStake,
  parseStakeBox,
  type StakeDeployment,
  sigmaPropRegister,
} from "@gpuc/offchain";
import { assert, HttpError } from "@gpuc/platform/http";
import { type Listing, listingHash, type OwnStake, type StakeState, type StakeTx } from "@gpuc/sdk";
import { toFleetBox } from "../chain/indexed-lineage.ts";
import type { Principal } from "../core/route.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { ChainParams } from "../providers/stake.ts";
import { built, connected, type ProtocolReader } from "../wallet/protocol-node.ts";

export interface StakesDeps {
  index: IndexStore;
  providers: ProvidersRepository;
  /** What the indexed stake boxes are read with (the stake contract's tree). */
  deployment: StakeDeployment;
  params: ChainParams;
  reader: ProtocolReader | undefined;
}

const NO_STAKE = (address: string) =>
  `${address} has no Provider Stake box; create one with POST /api/v1/wallet/stake/create { amount, listing }`;

/**
 * Provider stakes: a provider's stake as followed on chain (with the Config's minimum per GPU and the unbonding
 * clock), and the unsigned transactions that create, top up, unbond and withdraw the signed-in address's own stake,
 * built by offchain's stake builders over its boxes on the node. The listing hash is the one the CLI signs into R5.
 */
export class StakesService {
  constructor(private readonly d: StakesDeps) {}

  async state(providerId: string): Promise<StakeState> {
    const row = await this.d.providers.find(providerId);
    assert(row, 404, `Provider ${providerId} not found`);
    const box = await this.d.index.box(row.stake_box_id);
    const stake = box && !box.spentTxId ? parseStakeBox(toFleetBox(box), this.d.deployment) : undefined;
    const [minStakePerGpu, unbondingBlocks, gpus] = await Promise.all([
      this.d.params.minStakePerGpu(),
      this.d.params.unbondingBlocks(),
      this.d.providers.totalGpus(providerId),
    ]);
    const start = stake?.unbondingStart ?? null;
    return {
      providerId,
      ownerAddress: row.owner_address,
      stakeBoxId: row.stake_box_id,
      stake: (stake?.value ?? 0n).toString(),
      bonded: stake !== undefined && start === null,
      unbondingStart: start,
      withdrawableAt: start !== null && unbondingBlocks !== null ? start + unbondingBlocks : null,
      listingHash: stake?.listingHash ?? row.stake_listing_hash,
      listingMatches: (stake?.listingHash ?? row.stake_listing_hash) === row.listing_hash,
      gpus,
      minStakePerGpu: minStakePerGpu.toString(),
      requiredStake: (minStakePerGpu * BigInt(gpus)).toString(),
      unbondingBlocks,
    };
  }

  /**
   * The caller's own stake: from the node (mempool applied, so right after it is created) when there is one, else
   * as the index confirmed it; a 404 saying how to create one.
   */
  async own(principal: Principal): Promise<OwnStake> {
    const stake = this.d.reader ? await this.d.reader.stake(principal.address) : undefined;
    const [indexed] = await this.d.index.unspentByRegister(
      "stake",
      "R4",
      sigmaPropRegister(principal.address),
    );
    const current = stake ?? (indexed && parseStakeBox(toFleetBox(indexed), this.d.deployment));
    assert(current, 404, NO_STAKE(principal.address));
    const [minStakePerGpu, unbondingBlocks] = await Promise.all([
      this.d.params.minStakePerGpu(),
      this.d.params.unbondingBlocks(),
    ]);
    const start = current.unbondingStart ?? null;
    return {
      stakeBoxId: current.boxId,
      stake: current.value.toString(),
      bonded: start === null,
      unbondingStart: start,
      withdrawableAt: start !== null && unbondingBlocks !== null ? start + unbondingBlocks : null,
      listingHash: current.listingHash,
      minStakePerGpu: minStakePerGpu.toString(),
      unbondingBlocks,
      confirmed: indexed?.boxId === current.boxId,
    };
  }

  /** A new bonded stake of `amount` nanoERG behind `listing`; an address with a stake tops it up instead. */
  async create(principal: Principal, amount: bigint, listing: Listing): Promise<StakeTx> {
    const reader = connected(this.d.reader);
    const existing = await reader.stake(principal.address);
    if (existing) {
      throw new HttpError(
        409,
        `${principal.address} already has stake box ${existing.boxId}; top it up with POST /api/v1/wallet/stake/top-up`,
        { stakeBoxId: existing.boxId },
      );
    }
    const hash = listingHash(listing);
    const wallet = await reader.wallet(principal.address);
    const { deployment } = reader;
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildCreateStakeTx({ deployment, provider: principal.address, amount, listingHash: hash, ...wallet }),
    );
    return tx(unsignedTx, { stake: amount, listingHash: hash, unbondingStart: null }, undefined);
  }

  async topUp(principal: Principal, amount: bigint, listing: Listing | undefined): Promise<StakeTx> {
    const hash = listing && listingHash(listing);
    return this.#update(principal, { topUp: amount, listingHash: hash }, (stake) => ({
      stake: stake.value + amount,
      listingHash: hash ?? stake.listingHash,
      unbondingStart: stake.unbondingStart ?? null,
    }));
  }

  /** Starts unbonding: the GPUs stop being listed, and the stake may be withdrawn `unbondingBlocks` later. */
  async unbond(principal: Principal): Promise<StakeTx> {
    return this.#update(principal, { unbonding: "start" }, (stake, height) => ({
      stake: stake.value,
      listingHash: stake.listingHash,
      unbondingStart: height,
    }));
  }

  /** Withdraws the whole stake once unbonding has finished (the builder says how many blocks are left before). */
  async withdraw(principal: Principal): Promise<StakeTx> {
    const reader = await this.#readerFor(principal);
    const stake = await reader.stake(principal.address);
    assert(stake, 404, NO_STAKE(principal.address));
    const [configBox, wallet] = await Promise.all([reader.configBox(), reader.wallet(principal.address)]);
    const { deployment } = reader;
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildWithdrawStakeTx({
        deployment,
        configBox,
        stakeBox: stake.box,
        provider: principal.address,
        ...wallet,
      }),
    );
    return {
      unsignedTx: { ...unsignedTx },
      preview: { stake: "0", bonded: false, listingHash: null, unbondingStart: null, withdrawableAt: null },
    };
  }

  /**
   * The node reader for an action on the caller's existing stake. Without a node, what the index knows still
   * answers: no stake there is the 404 (what to do), a stake there the 503 (what to configure).
   */
  async #readerFor(principal: Principal): Promise<ProtocolReader> {
    if (this.d.reader) return this.d.reader;
    const indexed = await this.d.index.unspentByRegister("stake", "R4", sigmaPropRegister(principal.address));
    assert(indexed.length > 0, 404, NO_STAKE(principal.address));
    return connected(undefined);
  }

  async #update(
    principal: Principal,
    change: { topUp?: bigint; listingHash?: string; unbonding?: "start" },
    after: (stake: ChainStake, height: number) => Preview,
  ): Promise<StakeTx> {
    const reader = await this.#readerFor(principal);
    const stake = await reader.stake(principal.address);
    assert(stake, 404, NO_STAKE(principal.address));
    const wallet = await reader.wallet(principal.address);
    const { deployment } = reader;
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildUpdateStakeTx({
        deployment,
        stakeBox: stake.box,
        provider: principal.address,
        ...change,
        ...wallet,
      }),
    );
    return tx(unsignedTx, after(stake, wallet.height), await this.d.params.unbondingBlocks());
  }
}

interface Preview {
  stake: bigint;
  listingHash: string;
  unbondingStart: number | null;
}

function tx(unsignedTx: object, preview: Preview, unbondingBlocks: number | null | undefined): StakeTx {
  const start = preview.unbondingStart;
  return {
    unsignedTx: { ...unsignedTx },
    preview: {
      stake: preview.stake.toString(),
      bonded: start === null,
      listingHash: preview.listingHash,
      unbondingStart: start,
      withdrawableAt: start !== null && unbondingBlocks != null ? start + unbondingBlocks : null,
    },
  };
}
