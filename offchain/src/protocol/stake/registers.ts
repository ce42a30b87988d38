import type { Amount, Box, NonMandatoryRegisters } from "@fleet-sdk/common";
import { hex } from "@fleet-sdk/crypto";
import { decode, SByte, SColl, SInt } from "@fleet-sdk/serializer";
import type { Deployment } from "@gpuc/ergoscript";
import { sigmaPropTree } from "../config/sigmaProp.ts";
import { NotAStakeError } from "../errors/notAStake.ts";

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
export function parseStakeBox(box: Box<Amount>, deployment: Deployment): StakeState {
  const fail = (reason: string): never => {
    throw new NotAStakeError(box.boxId, reason);
  };
  if (box.ergoTree.toLowerCase() !== deployment.contracts.providerStake.ergoTree) fail("other script");
  const registers = box.additionalRegisters;
  const provider = sigmaPropTree(registers.R4 ?? "");
  if (!provider || decode(registers.R4)?.type.toString() !== "SSigmaProp") fail("R4 is not a SigmaProp");
  const listing = decode<Uint8Array>(registers.R5);
  if (listing?.type.toString() !== "SColl[SByte]" || listing.data.length !== 32)
    fail("R5 is not a 32-byte hash");
  const start = decode<number>(registers.R6);
  if (start?.type.toString() !== "SInt") fail("R6 is not an Int");
  return {
    boxId: box.boxId,
    box,
    provider: provider!,
    listingHash: hex.encode(listing!.data),
    unbondingStart: start!.data < 0 ? undefined : start!.data,
    value: BigInt(box.value),
  };
}
