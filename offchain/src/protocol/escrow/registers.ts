import type { Amount, Box, NonMandatoryRegisters } from "@fleet-sdk/common";
import { SByte, SColl, SLong } from "@fleet-sdk/serializer";
import { NotAnEscrowError } from "../errors/notAnEscrow.ts";
import { readBytes, readConstant, readSigmaProp } from "../registers.ts";

/** What reading an escrow needs from a deployment (a whole `Deployment` will do). */
export interface EscrowDeployment {
  readonly gpucTokenId: string;
  readonly contracts: { readonly rentalEscrow: { readonly ergoTree: string } };
}

/** R6 of an escrow: what the consumer prepaid and how much of it the provider has claimed. */
export interface EscrowTerms {
  /** GPUC units per billing hour. */
  readonly pricePerHour: bigint;
  /** Height the billing clock starts at. */
  readonly startHeight: number;
  readonly prepaidHours: number;
  readonly paidHours: number;
}

/** A Rental Escrow box, read. */
export interface EscrowState extends EscrowTerms {
  readonly boxId: string;
  /** The box as given, for spending it. */
  readonly box: Box<Amount>;
  /** ErgoTree (P2PK) of the consumer and the provider: where refunds and payouts go. */
  readonly consumer: string;
  readonly provider: string;
  /** Rental id (hex), as the marketplace assigned it at opening. */
  readonly rentalId: string;
  /** GPUC units the escrow holds. */
  readonly gpuc: bigint;
  /** The escrow box this one was recreated from (R8); undefined for a freshly opened escrow. */
  readonly parentBoxId: string | undefined;
  /** Whether it holds at least the price of every unpaid prepaid hour (an opener could under-fund it). */
  readonly fullyFunded: boolean;
}

export interface EscrowRegisterValues {
  /** Consumer and provider: P2PK addresses or their ErgoTrees. */
  readonly consumerRegister: string;
  readonly providerRegister: string;
  readonly terms: EscrowTerms;
  readonly rentalId: string;
  readonly parentBoxId?: string;
}

/** Serialized registers R4–R7 (R8 for a recreated escrow) from register values. */
export function escrowRegisters(values: EscrowRegisterValues): NonMandatoryRegisters {
  const { terms } = values;
  const registers: NonMandatoryRegisters = {
    R4: values.consumerRegister,
    R5: values.providerRegister,
    R6: SColl(SLong, [
      terms.pricePerHour,
      BigInt(terms.startHeight),
      BigInt(terms.prepaidHours),
      BigInt(terms.paidHours),
    ]).toHex(),
    R7: SColl(SByte, values.rentalId).toHex(),
  };
  return values.parentBoxId === undefined
    ? registers
    : { ...registers, R8: SColl(SByte, values.parentBoxId).toHex() };
}

/**
 * Reads a Rental Escrow box of `deployment`: parties, terms, rental id, GPUC held. Throws `NotAnEscrowError` for a
 * box of another script, without GPUC, or with malformed registers — the marketplace indexer and the executor
 * use it to recognise escrows.
 *
 * @example
 * const escrow = parseEscrowBox(await chain.unspentBox(boxId), deployment);
 * escrow.paidHours; // hours already paid to the provider
 */
export function parseEscrowBox(box: Box<Amount>, deployment: EscrowDeployment): EscrowState {
  const fail = (reason: string): never => {
    throw new NotAnEscrowError(box.boxId, reason);
  };
  if (box.ergoTree.toLowerCase() !== deployment.contracts.rentalEscrow.ergoTree) fail("other script");
  const token = box.assets[0];
  if (box.assets.length !== 1 || token?.tokenId !== deployment.gpucTokenId) fail("it must hold GPUC only");
  const registers = box.additionalRegisters;
  const consumer = readSigmaProp(registers.R4) ?? fail("R4 is not a SigmaProp");
  const provider = readSigmaProp(registers.R5) ?? fail("R5 is not a SigmaProp");
  const terms = readTerms(registers.R6) ?? fail("R6 is not Coll[Long] of 4 valid terms");
  const rentalId = readBytes(registers.R7) ?? fail("R7 is not Coll[Byte]");
  const parentBoxId = registers.R8 === undefined ? undefined : (readBytes(registers.R8) ?? fail("bad R8"));
  const gpuc = BigInt(token!.amount);
  return {
    ...terms,
    boxId: box.boxId,
    box,
    consumer,
    provider,
    rentalId,
    gpuc,
    parentBoxId,
    fullyFunded: gpuc >= BigInt(terms.prepaidHours - terms.paidHours) * terms.pricePerHour,
  };
}

/**
 * The escrow box id a payout (provider share, treasury fee or consumer refund) was paid out of: every payout of
 * an escrow spend carries it in R4. Undefined for a box that is no escrow payout.
 */
export function payoutEscrowId(box: Pick<Box<Amount>, "additionalRegisters">): string | undefined {
  return readBytes(box.additionalRegisters.R4);
}

/**
 * The usage receipts root (hex) a provider payout of a claim or provider close carries in R5, or undefined when
 * it carries none (a payout built before receipts, a treasury fee or a refund) or R5 is not 32 bytes.
 */
export function payoutReceiptsRoot(box: Pick<Box<Amount>, "additionalRegisters">): string | undefined {
  const root = readBytes(box.additionalRegisters.R5);
  return root?.length === 64 ? root : undefined;
}

function readTerms(register: string | undefined): EscrowTerms | undefined {
  const terms = readConstant(register, "SColl[SLong]");
  if (terms?.length !== 4) return undefined;
  const [price, start, prepaid, paid] = terms as [bigint, bigint, bigint, bigint];
  const valid = price > 0n && start >= 0n && paid >= 0n && paid <= prepaid && prepaid < 2n ** 31n;
  if (!valid) return undefined;
  return {
    pricePerHour: price,
    startHeight: Number(start),
    prepaidHours: Number(prepaid),
    paidHours: Number(paid),
  };
}
