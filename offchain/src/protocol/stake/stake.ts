import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, OutputBuilder } from "@fleet-sdk/core";
import { SByte, SColl, SLong } from "@fleet-sdk/serializer";
import { type Deployment, StakeAction, StakeVar } from "@gpuc/ergoscript";
import { sigmaPropRegister, toErgoTree } from "../config/sigmaProp.ts";
import { parseConfigBox } from "../config.ts";
import { AlreadyUnbondingError } from "../errors/alreadyUnbonding.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { NotStakeOwnerError } from "../errors/notStakeOwner.ts";
import { UnbondingNotFinishedError } from "../errors/unbondingNotFinished.ts";
import { addConfigDataInput, buildWith, type TxFunding } from "../escrow/context.ts";
import { BONDED, parseStakeBox, type StakeState, stakeRegisters } from "./registers.ts";

export interface CreateStakeParams {
  readonly deployment: Deployment;
  /** The provider's P2PK address. */
  readonly provider: string;
  /** Stake in nanoERG. */
  readonly amount: bigint;
  /** `listingHash(listing)` (@gpuc/sdk) of the provider's listing, hex (32 bytes). */
  readonly listingHash: string;
}

/**
 * A Fleet plugin creating a bonded Provider Stake box holding `amount` nanoERG.
 *
 * @example
 * const tx = buildCreateStakeTx({ deployment, provider, amount: 200n * 10n ** 9n, listingHash: listingHash(listing), height, inputs, changeAddress: provider });
 */
export function createStake(params: CreateStakeParams): FleetPlugin {
  checkHash(params.listingHash);
  if (params.amount <= 0n) throw new InvalidRentalArgumentError("stake amount", params.amount, "positive");
  const registers = stakeRegisters(
    sigmaPropRegister(params.provider, "provider"),
    params.listingHash,
    BONDED,
  );
  const output = new OutputBuilder(
    params.amount,
    params.deployment.contracts.providerStake.ergoTree,
  ).setAdditionalRegisters(registers);
  return ({ addOutputs }) => {
    addOutputs(output);
  };
}

export interface StakeUpdateParams {
  readonly deployment: Deployment;
  readonly stakeBox: Box<Amount>;
  /** The provider's P2PK address: the stake must name it, and it signs. */
  readonly provider: string;
  /** The chain's current height (a new unbonding start is set to it). */
  readonly height: number;
  /** nanoERG to add. */
  readonly topUp?: bigint;
  /** A new listing hash. */
  readonly listingHash?: string;
  /** Start unbonding, or cancel it (back to bonded). */
  readonly unbonding?: "start" | "cancel";
}

/**
 * A Fleet plugin for the provider's own stake changes, any combination: top up, new listing hash, start or cancel
 * unbonding. The stake stays at output 0, as the contract wants.
 */
export function updateStake(params: StakeUpdateParams): FleetPlugin {
  const stake = readStake(params.stakeBox, params.deployment, params.provider);
  const topUp = params.topUp ?? 0n;
  if (topUp < 0n) throw new InvalidRentalArgumentError("top up", topUp, "0 or more nanoERG");
  if (params.listingHash !== undefined) checkHash(params.listingHash);
  const unbondingStart = nextUnbondingStart(stake, params);
  const registers = stakeRegisters(
    params.stakeBox.additionalRegisters.R4!,
    params.listingHash ?? stake.listingHash,
    unbondingStart,
  );
  const output = new OutputBuilder(
    stake.value + topUp,
    params.deployment.contracts.providerStake.ergoTree,
  ).setAdditionalRegisters(registers);
  return ({ addInputs, addOutputs }) => {
    addOutputs(output, { index: 0 });
    addInputs(stakeInput(stake, StakeAction.update));
  };
}

/** Top up the stake by `amount` nanoERG. */
export function topUpStake(
  params: Omit<StakeUpdateParams, "topUp" | "listingHash" | "unbonding"> & { amount: bigint },
) {
  if (params.amount <= 0n) throw new InvalidRentalArgumentError("top up", params.amount, "positive");
  return updateStake({ ...params, topUp: params.amount });
}

/** Point the stake at a new listing. */
export function updateListing(
  params: Omit<StakeUpdateParams, "topUp" | "unbonding"> & { listingHash: string },
) {
  return updateStake(params);
}

/** Start unbonding: the stake can be withdrawn `unbondingBlocks` (Config) after the current height. */
export function startUnbonding(params: Omit<StakeUpdateParams, "topUp" | "listingHash" | "unbonding">) {
  return updateStake({ ...params, unbonding: "start" });
}

export interface WithdrawStakeParams {
  readonly deployment: Deployment;
  readonly configBox: Box<Amount>;
  readonly stakeBox: Box<Amount>;
  readonly provider: string;
  readonly height: number;
}

/** A Fleet plugin withdrawing the whole stake once unbonding has finished; the ERG goes to the change address. */
export function withdrawStake(params: WithdrawStakeParams): FleetPlugin {
  const stake = readStake(params.stakeBox, params.deployment, params.provider);
  const config = parseConfigBox(params.configBox, params.deployment.configNftId);
  const next = params.height + 1;
  const availableAt =
    stake.unbondingStart === undefined ? undefined : stake.unbondingStart + config.unbondingBlocks;
  if (availableAt === undefined || next < availableAt) {
    throw new UnbondingNotFinishedError(stake.boxId, availableAt, next);
  }
  return ({ addDataInputs, addInputs }) => {
    addConfigDataInput(addDataInputs, params.configBox);
    addInputs(stakeInput(stake, StakeAction.withdraw));
  };
}

export interface SlashStakeParams {
  readonly deployment: Deployment;
  readonly configBox: Box<Amount>;
  readonly stakeBox: Box<Amount>;
  /** nanoERG taken from the stake (at most all of it). */
  readonly amount: bigint;
  /** Where the slashed ERG goes (a victim or the treasury): address or ErgoTree. */
  readonly recipient: string;
  /** blake2b256 of the evidence, hex (32 bytes); recorded in R4 of the payout. */
  readonly evidenceHash: string;
}

/**
 * A Fleet plugin for the arbiter's slash: `amount` to `recipient` at output 0 with the evidence hash in R4, the
 * rest of the stake (if any) recreated unchanged at output 1. The Config's arbiter signs.
 */
export function slashStake(params: SlashStakeParams): FleetPlugin {
  const stake = parseStakeBox(params.stakeBox, params.deployment);
  parseConfigBox(params.configBox, params.deployment.configNftId);
  checkHash(params.evidenceHash);
  if (params.amount <= 0n || params.amount > stake.value) {
    throw new InvalidRentalArgumentError(
      "slash amount",
      params.amount,
      `between 1 and the stake of ${stake.value}`,
    );
  }
  const outputs = [
    new OutputBuilder(params.amount, toErgoTree(params.recipient)).setAdditionalRegisters({
      R4: hashRegister(params.evidenceHash),
    }),
  ];
  const rest = stake.value - params.amount;
  if (rest > 0n) {
    outputs.push(
      new OutputBuilder(rest, params.deployment.contracts.providerStake.ergoTree).setAdditionalRegisters({
        ...params.stakeBox.additionalRegisters,
      }),
    );
  }
  return ({ addDataInputs, addInputs, addOutputs }) => {
    addConfigDataInput(addDataInputs, params.configBox);
    addOutputs(outputs, { index: 0 });
    addInputs(stakeInput(stake, StakeAction.slash, params.amount));
  };
}

export function buildCreateStakeTx(
  params: CreateStakeParams & TxFunding & { height: number },
): EIP12UnsignedTransaction {
  return buildWith(createStake(params), params.height, params);
}

export function buildUpdateStakeTx(params: StakeUpdateParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(updateStake(params), params.height, params);
}

export function buildWithdrawStakeTx(params: WithdrawStakeParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(withdrawStake(params), params.height, params);
}

export function buildSlashStakeTx(
  params: SlashStakeParams & TxFunding & { height: number },
): EIP12UnsignedTransaction {
  return buildWith(slashStake(params), params.height, params);
}

function readStake(box: Box<Amount>, deployment: Deployment, provider: string): StakeState {
  const stake = parseStakeBox(box, deployment);
  if (stake.provider !== toErgoTree(provider)) throw new NotStakeOwnerError(stake.boxId, provider);
  return stake;
}

function nextUnbondingStart(stake: StakeState, params: StakeUpdateParams): number {
  if (params.unbonding === "cancel") return BONDED;
  if (params.unbonding !== "start") return stake.unbondingStart ?? BONDED;
  if (stake.unbondingStart !== undefined) throw new AlreadyUnbondingError(stake.boxId, stake.unbondingStart);
  return params.height;
}

function stakeInput(stake: StakeState, action: StakeAction, slashAmount?: bigint) {
  const extension: Record<number, string> = { [StakeVar.action]: SByte(action).toHex() };
  if (slashAmount !== undefined) extension[StakeVar.slashAmount] = SLong(slashAmount).toHex();
  return { ...stake.box, extension };
}

function checkHash(hash: string): void {
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new InvalidRentalArgumentError("hash", hash, "32 bytes of hex");
}

function hashRegister(hash: string): string {
  return SColl(SByte, hash.toLowerCase()).toHex();
}
