import {
  buildCreateStakeTx,
  buildUpdateStakeTx,
  buildWithdrawStakeTx,
  type StakeState,
} from "@gpuc/offchain";
import { formatErg, type Listing, ProblemError, type Provider } from "@gpuc/sdk";
import { NotFoundOnChainError } from "../core/errors.ts";
import { waitUntil } from "../core/wait.ts";
import type { Gpuc } from "./context.ts";

export interface StakeResult {
  readonly txId: string;
  readonly stakeBoxId: string;
  readonly nanoErgs: bigint;
  readonly listingHash: string;
}

/**
 * Stakes ERG behind a listing: creates the Provider Stake box (R5 = the listing's hash), or, when the wallet
 * already has one, points it at this listing and adds `nanoErgs` to it.
 */
export async function stakeProvider(
  ctx: Gpuc,
  options: { nanoErgs: bigint; listing: Listing },
): Promise<StakeResult> {
  const { chain, wallet } = ctx;
  const { listingHash } = await ctx.market.listingHash(options.listing);
  const existing = await chain.stake(wallet.address);
  const funding = await chain.wallet(wallet.address);
  const tx = existing
    ? buildUpdateStakeTx({
        deployment: chain.deployment,
        stakeBox: existing.box,
        provider: wallet.address,
        topUp: options.nanoErgs,
        listingHash,
        ...funding,
      })
    : buildCreateStakeTx({
        deployment: chain.deployment,
        provider: wallet.address,
        amount: options.nanoErgs,
        listingHash,
        ...funding,
      });
  ctx.output.progress(
    existing
      ? `Adding ${formatErg(options.nanoErgs)} to stake ${existing.boxId} and pointing it at listing ${listingHash}`
      : `Staking ${formatErg(options.nanoErgs)} behind listing ${listingHash}`,
  );
  const txId = await chain.submit(wallet.signer, tx, "stake");
  const stake = await requireStake(ctx);
  return { txId, stakeBoxId: stake.boxId, nanoErgs: stake.value, listingHash };
}

/**
 * Lists the staked GPUs on the marketplace: registers the wallet as a provider with its stake box and listing (or
 * replaces the listing of its provider), waiting for the marketplace's indexer to see the stake box.
 */
export async function listProvider(
  ctx: Gpuc,
  options: { name: string; listing: Listing },
): Promise<Provider> {
  const stake = await requireStake(ctx);
  const [current] = await ctx.market.myProviders();
  const register = () =>
    current
      ? ctx.market.updateListing(current.id, { stakeBoxId: stake.boxId, listing: options.listing })
      : ctx.market.registerProvider({
          name: options.name,
          stakeBoxId: stake.boxId,
          listing: options.listing,
        });
  // The marketplace accepts a stake box only once its indexer has seen it confirmed: retry while it says 404.
  const outcome = await waitUntil(
    `the marketplace to index stake box ${stake.boxId}`,
    async () => {
      try {
        return await register();
      } catch (error) {
        if (error instanceof ProblemError && error.status === 404) return undefined;
        throw error;
      }
    },
    (provider) => provider !== undefined,
    (provider) =>
      provider ? `provider ${provider.id} registered` : `waiting for the indexer to see ${stake.boxId}`,
    { onChange: (text) => ctx.output.progress(text), timeoutMs: 120_000 },
  );
  return outcome!;
}

/** Starts unbonding the stake (withdrawable `unbondingBlocks` later); its GPUs stop being listed. */
export async function unbondProvider(ctx: Gpuc): Promise<{ txId: string; stakeBoxId: string }> {
  const stake = await requireStake(ctx);
  const funding = await ctx.chain.wallet(ctx.wallet.address);
  const tx = buildUpdateStakeTx({
    deployment: ctx.chain.deployment,
    stakeBox: stake.box,
    provider: ctx.wallet.address,
    unbonding: "start",
    ...funding,
  });
  const txId = await ctx.chain.submit(ctx.wallet.signer, tx, "unbond");
  return { txId, stakeBoxId: (await requireStake(ctx)).boxId };
}

/** Withdraws the whole stake to the wallet once unbonding has finished. */
export async function withdrawProvider(ctx: Gpuc): Promise<{ txId: string; nanoErgs: bigint }> {
  const stake = await requireStake(ctx);
  const funding = await ctx.chain.wallet(ctx.wallet.address);
  const tx = buildWithdrawStakeTx({
    deployment: ctx.chain.deployment,
    configBox: await ctx.chain.configBox(),
    stakeBox: stake.box,
    provider: ctx.wallet.address,
    ...funding,
  });
  const txId = await ctx.chain.submit(ctx.wallet.signer, tx, "withdraw stake");
  return { txId, nanoErgs: stake.value };
}

async function requireStake(ctx: Gpuc): Promise<StakeState> {
  const stake = await ctx.chain.stake(ctx.wallet.address);
  if (!stake) {
    throw new NotFoundOnChainError(
      `${ctx.wallet.address} has no Provider Stake; create one with \`gpuc provider stake --erg <amount> --listing <file>\``,
    );
  }
  return stake;
}
