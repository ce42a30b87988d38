import type { Amount, Box } from "@fleet-sdk/common";
import { OutputBuilder } from "@fleet-sdk/core";
import { SLong } from "@fleet-sdk/serializer";
import type { CompiledContract } from "@gpuc/ergoscript";
import { NotACreditAccountError } from "../errors/notACreditAccount.ts";
import { readConstant, readSigmaProp } from "../registers.ts";

/** A Credit Account box: ERG collateral, R4 owner (SigmaProp), R5 debt in GPUC units. */
export interface CreditAccount {
  readonly box: Box<Amount>;
  /** The owner's R4 register value (serialized SigmaProp), kept verbatim in successors. */
  readonly ownerRegister: string;
  /** ErgoTree (hex) of the owner's key: equal to the owner address's ErgoTree for P2PK. */
  readonly owner: string;
  readonly collateral: bigint;
  readonly debt: bigint;
}

type WithCreditContract = { contracts: { creditAccount: Pick<CompiledContract, "ergoTree"> } };

/**
 * Reads a Credit Account box of this deployment.
 *
 * @example
 * const account = parseCreditAccount(box, deployment);
 */
export function parseCreditAccount(box: Box<Amount>, deployment: WithCreditContract): CreditAccount {
  if (box.ergoTree !== deployment.contracts.creditAccount.ergoTree) {
    throw new NotACreditAccountError(box.boxId, "its script is not this deployment's Credit Account");
  }
  const ownerRegister = box.additionalRegisters.R4 ?? "";
  const owner = readSigmaProp(ownerRegister);
  const debt = readConstant(box.additionalRegisters.R5, "SLong");
  if (!owner) throw new NotACreditAccountError(box.boxId, "R4 is not the owner's SigmaProp");
  if (debt === undefined || debt < 0n) {
    throw new NotACreditAccountError(box.boxId, "R5 is not a non-negative Long debt");
  }
  return { box, ownerRegister, owner, collateral: BigInt(box.value), debt };
}

/** A Credit Account output: `collateral` nanoERG, owner register, debt. */
export function creditAccountOutput(
  deployment: WithCreditContract,
  ownerRegister: string,
  collateral: bigint,
  debt: bigint,
): OutputBuilder {
  return new OutputBuilder(collateral, deployment.contracts.creditAccount.ergoTree).setAdditionalRegisters({
    R4: ownerRegister,
    R5: SLong(debt).toHex(),
  });
}
