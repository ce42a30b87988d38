import { randomUUID } from "node:crypto";
import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import {
  type StakeState as ChainStake,
  followStake,
  NotAStakeError,
  parseStakeBox,
  type StakeDeployment,
} from "@gpuc/offchain";
import type { Database, Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import { type Listing, listingHash, type Provider, totalGpus } from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { indexedLineage, toFleetBox } from "../chain/indexed-lineage.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { ProviderRow, ProvidersRepository, StakeState } from "./providers.repository.ts";
import type { ChainParams } from "./stake.ts";

/** Providers: registration against their on-chain stake, listings, and whether their GPUs are listed. */
export class ProvidersService {
  constructor(
    private readonly db: Database,
    private readonly repo: ProvidersRepository,
    private readonly index: IndexStore,
    /** The deployment's Provider Stake contract: what a stake box is. */
    private readonly deployment: StakeDeployment,
    private readonly params: ChainParams,
    private readonly clock: Clock,
    private readonly network: NetworkName,
    private readonly log: Logger,
  ) {}

  async register(
    principal: Principal,
    input: { name: string; stakeBoxId: string; listing: Listing },
  ): Promise<Provider> {
    const stake = await this.ownStake(principal, input.stakeBoxId);
    const hash = this.checkHash(stake, input.listing);
    assert(
      !(await this.repo.findByStakeBox(stake.boxId)),
      409,
      `Stake box ${stake.boxId} is already registered`,
    );
    const id = randomUUID();
    await this.db.transaction(async () => {
      await this.repo.insert(
        {
          id,
          ownerAddress: principal.address,
          name: input.name,
          region: input.listing.region,
          createdAt: this.clock.now(),
        },
        toStakeState(stake),
      );
      await this.repo.replaceListing(id, input.listing, hash, randomUUID);
      await this.refreshListed(id);
    });
    this.log.info("PROVIDER_REGISTERED", {
      providerId: id,
      stakeBoxId: stake.boxId,
      gpus: totalGpus(input.listing),
    });
    return this.get(id);
  }

  async updateListing(
    principal: Principal,
    providerId: string,
    input: { stakeBoxId?: string; listing: Listing },
  ) {
    const provider = await this.owned(principal, providerId);
    const stake = await this.ownStake(principal, input.stakeBoxId ?? provider.stake_box_id);
    const hash = this.checkHash(stake, input.listing);
    const holder = await this.repo.findByStakeBox(stake.boxId);
    assert(
      !holder || holder.id === providerId,
      409,
      `Stake box ${stake.boxId} backs your provider ${holder?.id}; give each provider its own stake box`,
    );
    await this.db
      .transaction(async () => {
        await this.repo.updateStake(providerId, toStakeState(stake));
        await this.repo.setStakeRoot(providerId, stake.boxId);
        await this.repo.replaceListing(providerId, input.listing, hash, randomUUID);
        await this.refreshListed(providerId);
      })
      .catch((error: unknown) => {
        // Another provider took the box between the check above and this update (unique providers_stake_box).
        if ((error as { code?: string }).code === "23505")
          throw new HttpError(
            409,
            `Stake box ${stake.boxId} is already registered; give each provider its own stake box`,
          );
        throw error;
      });
    return this.get(providerId);
  }

  async get(id: string): Promise<Provider> {
    const row = await this.repo.find(id);
    assert(row, 404, `Provider ${id} not found`);
    return toProvider(row, await this.repo.isListed(id));
  }

  async listOwn(principal: Principal): Promise<Provider[]> {
    const rows = await this.repo.listByOwner(principal.address);
    return Promise.all(rows.map(async (row) => toProvider(row, await this.repo.isListed(row.id))));
  }

  async allIds(): Promise<string[]> {
    return (await this.repo.all()).map((row) => row.id);
  }

  /** The provider if `principal` owns it; 404 otherwise (no hint that it exists). */
  async owned(principal: Principal, providerId: string): Promise<ProviderRow> {
    const row = await this.repo.find(providerId);
    assert(
      row && row.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    return row;
  }

  /**
   * Follows each provider's stake along its lineage (top-ups, listing updates and unbonding recreate it) and
   * re-decides whether its GPUs are listed. Run after each indexed block.
   */
  async syncStakes(): Promise<void> {
    for (const provider of await this.repo.all()) {
      const stake = await this.currentStake(provider);
      await this.db.transaction(async () => {
        if (stake && stake.boxId !== provider.stake_box_id)
          await this.repo.updateStake(provider.id, toStakeState(stake));
        if (!stake)
          await this.repo.updateStake(provider.id, {
            ...rowStake(provider),
            stakeNanoErg: 0n,
            bonded: false,
          });
        await this.refreshListed(provider.id);
      });
    }
  }

  /**
   * The provider's stake now: the box it named, followed through the transactions that spent it — never "the
   * newest box naming the provider": anyone can create a box at the stake script with any R4 (no script runs at
   * creation), e.g. a dust box with the victim's key and another listing hash. A box a rollback unwound is
   * re-walked from the root. Each step is the output the contract pins (`followStake`: OUTPUTS(0) of an update,
   * OUTPUTS(1) of a partial slash). Undefined when the stake was withdrawn or is not indexed.
   */
  private async currentStake(provider: ProviderRow): Promise<ChainStake | undefined> {
    const box =
      (await this.index.box(provider.stake_box_id)) ??
      (provider.stake_root_box_id ? await this.index.box(provider.stake_root_box_id) : undefined);
    const start = box && this.readStake(box);
    if (!start) return undefined;
    const view = indexedLineage(this.index, "stake");
    const followed = await followStake(view, start, { deployment: this.deployment });
    return followed.status === "unspent" ? followed.stake : undefined;
  }

  /** The indexed box as a Provider Stake, or undefined when it is none (another script, malformed registers). */
  private readStake(box: IndexedBox): ChainStake | undefined {
    try {
      return parseStakeBox(toFleetBox(box), this.deployment);
    } catch (error) {
      if (error instanceof NotAStakeError) return undefined;
      throw error;
    }
  }

  /** GPUs are listed only while the stake is bonded, covers `minStakePerGpu × GPUs`, and its R5 matches. */
  async refreshListed(providerId: string): Promise<boolean> {
    const provider = await this.repo.find(providerId);
    if (!provider) return false;
    const required = (await this.params.minStakePerGpu()) * BigInt(await this.repo.totalGpus(providerId));
    const listed =
      provider.stake_bonded &&
      provider.stake_nanoerg >= required &&
      provider.stake_listing_hash === provider.listing_hash;
    await this.repo.syncGpus(providerId, listed);
    return listed;
  }

  private async ownStake(principal: Principal, boxId: string): Promise<ChainStake> {
    const box = await this.index.box(boxId);
    if (box?.kind !== "stake" || box.spentTxId) {
      throw new HttpError(
        404,
        `No unspent Provider Stake box ${boxId} is indexed; wait for its confirmation and retry`,
      );
    }
    let stake: ChainStake;
    try {
      stake = parseStakeBox(toFleetBox(box), this.deployment);
    } catch (error) {
      if (error instanceof NotAStakeError) throw new HttpError(409, error.message);
      throw error;
    }
    if (stake.provider !== p2pkTree(principal.address, this.network)) {
      throw new HttpError(
        403,
        `Stake box ${boxId} belongs to another key; sign in with the stake's provider wallet`,
      );
    }
    return stake;
  }

  private checkHash(stake: ChainStake, listing: Listing): string {
    const hash = listingHash(listing);
    if (stake.listingHash !== hash) {
      throw new HttpError(
        409,
        `The stake box's R5 holds listing hash ${stake.listingHash} but this listing hashes to ${hash}; update R5 on chain first`,
        {
          expected: hash,
          onChain: stake.listingHash,
        },
      );
    }
    return hash;
  }
}

function toStakeState(stake: ChainStake): StakeState {
  return {
    stakeBoxId: stake.boxId,
    stakeNanoErg: stake.value,
    bonded: stake.unbondingStart === undefined,
    stakeListingHash: stake.listingHash,
  };
}

function rowStake(row: ProviderRow): StakeState {
  return {
    stakeBoxId: row.stake_box_id,
    stakeNanoErg: row.stake_nanoerg,
    bonded: row.stake_bonded,
    stakeListingHash: row.stake_listing_hash,
  };
}

function toProvider(row: ProviderRow, listed: boolean): Provider {
  return {
    id: row.id,
    ownerAddress: row.owner_address,
    name: row.name,
    region: row.region,
    stakeBoxId: row.stake_box_id,
    stakeNanoErg: row.stake_nanoerg.toString(),
    bonded: row.stake_bonded,
    listingHash: row.listing_hash,
    online: row.online,
    reliability: row.reliability,
    lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
    listed,
  };
}
