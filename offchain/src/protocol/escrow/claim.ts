import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import { EscrowAction } from "@gpuc/ergoscript";
import type { ProtocolConfig } from "../config.ts";
import { ClaimBeyondElapsedError } from "../errors/claimBeyondElapsed.ts";
import { ClaimBeyondPrepaidError } from "../errors/claimBeyondPrepaid.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { claimableHours, elapsedHours } from "./clock.ts";
import { buildWith, type EscrowActionBase, readConfig, readEscrow, type TxFunding } from "./context.ts";
import type { EscrowState } from "./registers.ts";
import { type EscrowSpend, settlementOutputs, spendEscrows } from "./settlement.ts";

export interface EscrowClaim {
  readonly escrowBox: Box<Amount>;
  /** Hours to claim; default: every claimable hour (elapsed, prepaid, unpaid). */
  readonly hours?: number;
}

export interface ClaimParams extends EscrowActionBase {
  /** The provider's P2PK address: every escrow must name it, and it signs. */
  readonly provider: string;
  readonly claims: readonly EscrowClaim[];
  /** Merkle root (hex) of the usage receipts this claim pays for, put in R5 of every provider payout. */
  readonly receiptsRoot?: string;
}

/**
 * A Fleet plugin claiming elapsed hours from one or many escrows of one provider in one transaction: the provider
 * is paid `hours × price` less the protocol fee, the treasury the fee, and each escrow is recreated with the rest
 * (or closes when nothing is left).
 *
 * @example
 * const tx = buildClaimTx({ deployment, configBox, height, provider, claims: [{ escrowBox }], inputs, changeAddress: provider });
 */
export function claimEscrows(params: ClaimParams): FleetPlugin {
  if (params.claims.length === 0) throw new InvalidRentalArgumentError("claims", 0, "at least one escrow");
  const config = readConfig(params);
  const spends = params.claims.map((claim) => claimSpend(params, config, claim));
  return spendEscrows(params.configBox, spends);
}

/** The whole unsigned claim transaction; the provider's boxes pay the fee and the payout boxes' ERG. */
export function buildClaimTx(params: ClaimParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(claimEscrows(params), params.height, params);
}

function claimSpend(params: ClaimParams, config: ProtocolConfig, claim: EscrowClaim): EscrowSpend {
  const escrow = readEscrow(claim.escrowBox, params.deployment, {
    role: "provider",
    address: params.provider,
  });
  const validatedAt = params.height + 1;
  const hours = claim.hours ?? claimableHours(escrow, validatedAt, config.blocksPerHour);
  checkClaim(escrow, hours, elapsedHours(escrow, validatedAt, config.blocksPerHour));
  const gross = escrow.pricePerHour * BigInt(hours);
  if (gross > escrow.gpuc)
    throw new InvalidRentalArgumentError("claimed GPUC", gross, `at most the ${escrow.gpuc} held`);
  const terms = { ...escrow, paidHours: escrow.paidHours + hours };
  const outputs = settlementOutputs(
    escrow,
    { gross, refund: 0n, rest: escrow.gpuc - gross, terms },
    config,
    params.deployment,
    params.receiptsRoot,
  );
  return { escrow, action: EscrowAction.claim, amount: BigInt(hours), outputs };
}

function checkClaim(escrow: EscrowState, hours: number, elapsed: number): void {
  if (!Number.isInteger(hours) || hours < 1) {
    throw new InvalidRentalArgumentError(
      `hours to claim from ${escrow.boxId}`,
      hours,
      "at least 1 (nothing is claimable yet)",
    );
  }
  const paidAfter = escrow.paidHours + hours;
  if (paidAfter > escrow.prepaidHours)
    throw new ClaimBeyondPrepaidError(escrow.boxId, paidAfter, escrow.prepaidHours);
  if (paidAfter > elapsed) throw new ClaimBeyondElapsedError(escrow.boxId, paidAfter, elapsed);
}
