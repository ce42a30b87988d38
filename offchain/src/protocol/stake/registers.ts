import type { Amount, Box, NonMandatoryRegisters } from "@fleet-sdk/common";
import { SByte, SColl, SInt } from "@fleet-sdk/serializer";
import { NotAStakeError } from "../errors/notAStake.ts";
import { readBytes, readConstant, readSigmaProp } from "../registers.ts";

/** What reading a stake needs from a deployment (a whole `Deployment` will do). */
export interface StakeDeployment {
  readonly contracts: { readonly providerStake: { readonly ergoTree: string } };
}

/** R6 of a bonded stake. */
export const BONDED = -1;

/** A Provider Stake box, read. */
export interface StakeState {
  readonly boxId: string;
  /** The box as given, for spending it. */
  readonly box: Box<Amount>;
  /** ErgoTree (P2PK) of the provider. */
  readonly provider: string;
  /** blake2b256 of the provider's canonical listing JSON (R5), hex. */
  readonly listingHash: string;
  /** Height unbonding started at; undefined while bonded. */
  readonly unbondingStart: number | undefined;
  /** The stake, nanoERG. */
  readonly value: bigint;
}

/** Serialized registers R4–R6 of a stake. */
export function stakeRegisters(
  providerRegister: string,
  listingHash: string,
  unbondingStart: number,
): NonMandatoryRegisters {
  return {
    R4: providerRegister,
    R5: SColl(SByte, listingHash).toHex(),
    R6: SInt(unbondingStart).toHex(),
  };
}

/**
 * Reads a Provider Stake box of `deployment`. Throws `NotAStakeError` for a box of another script or with
 * malformed registers. The marketplace lists a provider's GPUs only while `unbondingStart` is undefined and
 * `value ≥ minStakePerGpu × GPUs`.
 *
 * @example
 * const stake = parseStakeBox(box, deployment);
 * const listed = stake.unbondingStart === undefined && stake.value >= config.minStakePerGpu * BigInt(gpus);
 */
export function parseStakeBox(box: Box<Amount>, deployment: StakeDeployment): StakeState {
  const fail = (reason: string): never => {
    throw new NotAStakeError(box.boxId, reason);
  };
  if (box.ergoTree.toLowerCase() !== deployment.contracts.providerStake.ergoTree) fail("other script");
  const registers = box.additionalRegisters;
  const provider = readSigmaProp(registers.R4) ?? fail("R4 is not a SigmaProp");
  const listingHash = readBytes(registers.R5);
  if (listingHash?.length !== 64) fail("R5 is not a 32-byte hash");
  const start = readConstant(registers.R6, "SInt") ?? fail("R6 is not an Int");
  return {
    boxId: box.boxId,
    box,
    provider,
    listingHash: listingHash!,
    unbondingStart: start < 0 ? undefined : start,
    value: BigInt(box.value),
  };
}
