import type { Amount, Box } from "@fleet-sdk/common";
import { estimateMinBoxValue, type FleetPlugin, OutputBuilder } from "@fleet-sdk/core";
import { SByte, SColl, SInt, SLong } from "@fleet-sdk/serializer";
import { type Deployment, type EscrowAction, EscrowVar } from "@gpuc/ergoscript";
import type { ProtocolConfig } from "../config.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { splitFee } from "./clock.ts";
import { addConfigDataInput } from "./context.ts";
import { type EscrowState, type EscrowTerms, escrowRegisters } from "./registers.ts";

/** How one escrow spend divides what the escrow holds. */
export interface Settlement {
  /** The provider's gross share: the provider gets it less the protocol fee, the treasury gets the fee. */
  readonly gross: bigint;
  /** Refunded to the consumer. */
  readonly refund: bigint;
  /** Kept in the recreated escrow, with `terms`. */
  readonly rest: bigint;
  readonly terms: EscrowTerms;
}

/**
 * The outputs of one escrow spend, in the order the contract expects them from the escrow's output index:
 * provider payout, treasury fee, consumer refund, recreated escrow — each only when its amount is non-zero.
 * Payouts carry the escrow's box id in R4 so that no output can serve two escrows of one transaction. The provider's
 * payout also carries `receiptsRoot` in R5 when given: the Merkle root of the usage receipts the transaction pays for
 * (the contract does not read it; it is the provider's signed commitment to those receipts).
 */
export function settlementOutputs(
  escrow: EscrowState,
  settlement: Settlement,
  config: ProtocolConfig,
  deployment: Deployment,
  receiptsRoot?: string,
): OutputBuilder[] {
  const { fee, net } = splitFee(settlement.gross, config.feeBps);
  const outputs: OutputBuilder[] = [];
  const payout = (ergoTree: string, amount: bigint, root?: string) =>
    new OutputBuilder(estimateMinBoxValue(), ergoTree)
      .addTokens({ tokenId: deployment.gpucTokenId, amount })
      .setAdditionalRegisters({
        R4: SColl(SByte, escrow.boxId).toHex(),
        ...(root === undefined ? {} : { R5: SColl(SByte, checkedRoot(root)).toHex() }),
      });
  if (net > 0n) outputs.push(payout(escrow.provider, net, receiptsRoot));
  if (fee > 0n) outputs.push(payout(config.treasury, fee));
  if (settlement.refund > 0n) outputs.push(payout(escrow.consumer, settlement.refund));
  if (settlement.rest > 0n)
    outputs.push(recreatedEscrow(escrow, settlement.rest, settlement.terms, deployment));
  return outputs;
}

/** The escrow again, with `gpuc` units and new terms, pointing back at the box it replaces (R8). */
export function recreatedEscrow(
  escrow: EscrowState,
  gpuc: bigint,
  terms: EscrowTerms,
  deployment: Deployment,
): OutputBuilder {
  const minValue = estimateMinBoxValue();
  const value = BigInt(escrow.box.value);
  // The contract wants at least the old value; R8 may make the box larger than the one it replaces.
  return new OutputBuilder(
    (output) => maxBigInt(value, minValue(output)),
    deployment.contracts.rentalEscrow.ergoTree,
  )
    .addTokens({ tokenId: deployment.gpucTokenId, amount: gpuc })
    .setAdditionalRegisters(
      escrowRegisters({
        consumerRegister: escrow.box.additionalRegisters.R4!,
        providerRegister: escrow.box.additionalRegisters.R5!,
        terms,
        rentalId: escrow.rentalId,
        parentBoxId: escrow.boxId,
      }),
    );
}

/** One escrow input with its outputs: the context variables tell the script its path and where its outputs are. */
export interface EscrowSpend {
  readonly escrow: EscrowState;
  readonly action: EscrowAction;
  /** Context variable 2: hours or the provider's gross share. */
  readonly amount?: bigint;
  readonly outputs: OutputBuilder[];
}

/**
 * A Fleet plugin spending escrows: the Config box as data input 0, then for each escrow its outputs and the
 * escrow input whose context variables point at them. Outputs added later by the caller go after these.
 */
export function spendEscrows(configBox: Box<Amount>, spends: readonly EscrowSpend[]): FleetPlugin {
  return ({ addDataInputs, addInputs, addOutputs }) => {
    addConfigDataInput(addDataInputs, configBox);
    for (const spend of spends) {
      const end = addOutputs(spend.outputs);
      const extension: Record<number, string> = {
        [EscrowVar.action]: SByte(spend.action).toHex(),
        [EscrowVar.outputIndex]: SInt(end - spend.outputs.length).toHex(),
      };
      if (spend.amount !== undefined) extension[EscrowVar.amount] = SLong(spend.amount).toHex();
      const input = { ...spend.escrow.box, extension };
      addInputs(input);
    }
  };
}

function checkedRoot(root: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(root))
    throw new InvalidRentalArgumentError("receiptsRoot", root, "32 bytes as 64 hex digits");
  return root.toLowerCase();
}

function maxBigInt(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
