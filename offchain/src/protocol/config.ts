import type { Amount, Box } from "@fleet-sdk/common";
import { hex } from "@fleet-sdk/crypto";
import { SByte, SColl, SLong, SPair } from "@fleet-sdk/serializer";
import { sigmaPropRegister, toErgoTree } from "./config/sigmaProp.ts";
import { ConfigBoxMismatchError } from "./errors/configBoxMismatch.ts";
import { MalformedConfigBoxError } from "./errors/malformedConfigBox.ts";
import { type ConstantType, type ConstantValues, readConstant, readSigmaProp } from "./registers.ts";

/** Index of each protocol parameter in the Config box's R4 `Coll[Long]`. */
export const CONFIG_PARAM = {
  feeBps: 0,
  blocksPerHour: 1,
  minStakePerGpu: 2,
  unbondingBlocks: 3,
  collateralRatioPct: 4,
  liquidationRatioPct: 5,
  swapFeeBps: 6,
  disputeGraceBlocks: 7,
  liquidationPenaltyBps: 8,
} as const;

/** The protocol parameters (Config R4). Amounts are bigint; counts, ratios and basis points are numbers. */
export interface ProtocolParams {
  /** Protocol fee on rental payouts, basis points (200 = 2%). */
  readonly feeBps: number;
  /** Blocks in one billing period ("hour"). */
  readonly blocksPerHour: number;
  /** Bonded stake a provider needs per listed GPU, nanoERG. */
  readonly minStakePerGpu: bigint;
  readonly unbondingBlocks: number;
  /** A Credit Account must keep collateral value ≥ debt × this / 100 after an owner action. */
  readonly collateralRatioPct: number;
  /** Below debt × this / 100 of collateral value, anyone may liquidate. */
  readonly liquidationRatioPct: number;
  /** Fee on stable swaps, basis points. */
  readonly swapFeeBps: number;
  readonly disputeGraceBlocks: number;
  /** Share of a liquidated account's collateral paid to the treasury, basis points. */
  readonly liquidationPenaltyBps: number;
}

/** One whitelisted stable token: `rate` GPUC units per token unit (SigUSD, 2 decimals: 10,000). */
export interface StableToken {
  readonly tokenId: string;
  readonly rate: bigint;
}

/** What a Config box says, typed. */
export interface ProtocolConfig extends ProtocolParams {
  /** Price of 1 GPUC (10^6 units) in nanoERG (Config R5). */
  readonly price: bigint;
  readonly whitelist: readonly StableToken[];
  /** ErgoTree (hex) of the admin's proposition (for P2PK: `0008cd<pk>`, the address's tree). */
  readonly admin: string;
  /** ErgoTree (hex) of the arbiter's (oracle's) proposition. */
  readonly arbiter: string;
  /** ErgoTree (hex) that fees and penalties are paid to. */
  readonly treasury: string;
}

/** What a Config box must be written with: keys and the treasury as addresses or ErgoTrees. */
export interface ConfigSettings extends ProtocolParams {
  readonly price: bigint;
  readonly whitelist: readonly StableToken[];
  readonly admin: string;
  readonly arbiter: string;
  readonly treasury: string;
}

/**
 * Reads a Config box. With `configNftId`, also checks that the box is the genuine one.
 *
 * @example
 * const config = parseConfigBox(await chain.unspentByTokenId(deployment.configNftId).then((b) => b[0]!));
 */
export function parseConfigBox(box: Box<Amount>, configNftId?: string): ProtocolConfig & { boxId: string } {
  if (configNftId !== undefined && box.assets[0]?.tokenId !== configNftId) {
    throw new ConfigBoxMismatchError(box.boxId, configNftId);
  }
  const params = readRegister(box, "R4", "Coll[Long]", "SColl[SLong]", 9);
  const price = readRegister(box, "R5", "Long", "SLong");
  const whitelist = readRegister(box, "R6", "Coll[(Coll[Byte], Long)]", "SColl[(SColl[SByte], SLong)]");
  const treasury = readRegister(box, "R9", "Coll[Byte]", "SColl[SByte]");
  const param = (name: keyof typeof CONFIG_PARAM) => params[CONFIG_PARAM[name]]!;
  return {
    boxId: box.boxId,
    feeBps: Number(param("feeBps")),
    blocksPerHour: Number(param("blocksPerHour")),
    minStakePerGpu: param("minStakePerGpu"),
    unbondingBlocks: Number(param("unbondingBlocks")),
    collateralRatioPct: Number(param("collateralRatioPct")),
    liquidationRatioPct: Number(param("liquidationRatioPct")),
    swapFeeBps: Number(param("swapFeeBps")),
    disputeGraceBlocks: Number(param("disputeGraceBlocks")),
    liquidationPenaltyBps: Number(param("liquidationPenaltyBps")),
    price,
    whitelist: whitelist.map(([id, rate]) => ({ tokenId: hex.encode(id), rate })),
    admin: sigmaPropIn(box, "R7"),
    arbiter: sigmaPropIn(box, "R8"),
    treasury: hex.encode(treasury),
  };
}

/**
 * The registers R4–R9 of a Config box, serialized, from typed settings.
 *
 * @example
 * new OutputBuilder(value, deployment.contracts.config.address).addNfts(configNftId)
 *   .setAdditionalRegisters(encodeConfigRegisters(settings));
 */
export function encodeConfigRegisters(settings: ConfigSettings) {
  const params = (Object.keys(CONFIG_PARAM) as (keyof typeof CONFIG_PARAM)[])
    .sort((a, b) => CONFIG_PARAM[a] - CONFIG_PARAM[b])
    .map((name) => BigInt(settings[name]));
  return {
    R4: SColl(SLong, params).toHex(),
    R5: SLong(settings.price).toHex(),
    R6: SColl(
      SPair(SColl(SByte), SLong),
      settings.whitelist.map((token): [string, bigint] => [token.tokenId, token.rate]),
    ).toHex(),
    R7: sigmaPropRegister(settings.admin, "admin"),
    R8: sigmaPropRegister(settings.arbiter, "arbiter"),
    R9: SColl(SByte, toErgoTree(settings.treasury)).toHex(),
  };
}

/** The whitelist entry of a token, or undefined when it is not whitelisted. */
export function stableToken(
  config: ProtocolConfig,
  tokenId: string,
): { index: number; token: StableToken } | undefined {
  const index = config.whitelist.findIndex((token) => token.tokenId === tokenId);
  return index < 0 ? undefined : { index, token: config.whitelist[index]! };
}

type RegisterName = "R4" | "R5" | "R6" | "R7" | "R8" | "R9";

function readRegister<T extends ConstantType>(
  box: Box<Amount>,
  register: RegisterName,
  expected: string,
  type: T,
  minSize = 0,
): ConstantValues[T] {
  const data = readConstant(box.additionalRegisters[register], type);
  const tooShort = Array.isArray(data) && data.length < minSize;
  if (data === undefined || tooShort) {
    throw new MalformedConfigBoxError(box.boxId, register, minSize ? `${expected} of ${minSize}+` : expected);
  }
  return data;
}

function sigmaPropIn(box: Box<Amount>, register: RegisterName): string {
  const tree = readSigmaProp(box.additionalRegisters[register]);
  if (!tree) throw new MalformedConfigBoxError(box.boxId, register, "SigmaProp");
  return tree;
}
