import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import { EscrowAction } from "@gpuc/ergoscript";
import type { ProtocolConfig } from "../config.ts";
import { ExpiryNotReachedError } from "../errors/expiryNotReached.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { expiryHeight, owedOnExitHours, providerCloseCap } from "./clock.ts";
import { buildWith, type EscrowActionBase, readConfig, readEscrow, type TxFunding } from "./context.ts";
import { ProviderCloseBeyondElapsedError } from "./errors/providerCloseBeyondElapsed.ts";
import type { EscrowState } from "./registers.ts";
import { settlementOutputs, spendEscrows } from "./settlement.ts";

// The paths that close an escrow: everything it holds goes to the provider (less the fee), the treasury and the
// consumer; nothing is recreated.

export interface CloseParams extends EscrowActionBase {
  readonly escrowBox: Box<Amount>;
}

export interface SplitCloseParams extends CloseParams {
  /** The provider's gross share in GPUC units (0 … all the escrow holds); the fee is taken from it. */
  readonly providerShare: bigint;
}

export interface ProviderCloseParams extends SplitCloseParams {
  /** The provider's P2PK address: the escrow must name it, and it signs. */
  readonly provider: string;
  /** Merkle root (hex) of the usage receipts this close pays for, put in R5 of the provider payout. */
  readonly receiptsRoot?: string;
}

/**
 * Cooperative close (consumer and provider both sign): any split, e.g. the metered seconds of the last partial
 * hour to the provider and the rest back to the consumer.
 *
 * @example
 * const tx = buildCooperativeCloseTx({ deployment, configBox, height, escrowBox, providerShare: 750_000n, inputs, changeAddress });
 */
export function cooperativeClose(params: SplitCloseParams): FleetPlugin {
  return splitClose(params, EscrowAction.cooperativeClose);
}

/** Arbiter resolve (the Config's arbiter signs): any split, e.g. a full refund when the provider was down. */
export function arbiterResolve(params: SplitCloseParams): FleetPlugin {
  return splitClose(params, EscrowAction.arbiterResolve);
}

/**
 * Consumer exit (the consumer alone signs): the provider is paid every started, unpaid, prepaid hour; the rest
 * goes back to the consumer. Built for the next block: if an hour starts before it is mined, build it again.
 */
export function consumerExit(params: CloseParams & { readonly consumer: string }): FleetPlugin {
  const config = readConfig(params);
  const escrow = readEscrow(params.escrowBox, params.deployment, {
    role: "consumer",
    address: params.consumer,
  });
  const owed = owedOnExitHours(escrow, params.height + 1, config.blocksPerHour);
  const gross = minBigInt(escrow.pricePerHour * BigInt(owed), escrow.gpuc);
  return close(params, config, escrow, EscrowAction.consumerExit, gross);
}

/**
 * Provider close (the provider alone signs): settles the last partial hour without the consumer. The provider's
 * gross share may be at most the blocks elapsed within the prepaid time, pro rata, less the hours already paid
 * (`providerCloseCap`); the fee goes to the treasury, everything else back to the consumer. Built for the next
 * block; asking more than that block allows throws `ProviderCloseBeyondElapsedError` with the allowed amount.
 *
 * @example
 * const tx = buildProviderCloseTx({ deployment, configBox, height, escrowBox, provider, providerShare: 500_000n, inputs, changeAddress: provider });
 */
export function providerClose(params: ProviderCloseParams): FleetPlugin {
  const config = readConfig(params);
  const escrow = readEscrow(params.escrowBox, params.deployment, {
    role: "provider",
    address: params.provider,
  });
  const validatedAt = params.height + 1;
  if (validatedAt < escrow.startHeight) {
    throw new InvalidRentalArgumentError(
      "the closing height",
      validatedAt,
      `at least the escrow's start height ${escrow.startHeight}`,
    );
  }
  if (params.providerShare < 0n)
    throw new InvalidRentalArgumentError("providerShare", params.providerShare, "at least 0");
  const cap = minBigInt(providerCloseCap(escrow, validatedAt, config.blocksPerHour), escrow.gpuc);
  if (params.providerShare > cap)
    throw new ProviderCloseBeyondElapsedError(escrow.boxId, params.providerShare, cap, validatedAt);
  return close(
    params,
    config,
    escrow,
    EscrowAction.providerClose,
    params.providerShare,
    params.providerShare,
    params.receiptsRoot,
  );
}

/** Expiry (anyone): after the prepaid time and the dispute grace, the provider gets every unpaid prepaid hour. */
export function expireEscrow(params: CloseParams): FleetPlugin {
  const config = readConfig(params);
  const escrow = readEscrow(params.escrowBox, params.deployment);
  const expiresAt = expiryHeight(escrow, config.blocksPerHour, config.disputeGraceBlocks);
  if (params.height + 1 < expiresAt)
    throw new ExpiryNotReachedError(escrow.boxId, expiresAt, params.height + 1);
  const unpaid = BigInt(escrow.prepaidHours - escrow.paidHours) * escrow.pricePerHour;
  return close(params, config, escrow, EscrowAction.expiry, minBigInt(unpaid, escrow.gpuc));
}

export function buildCooperativeCloseTx(params: SplitCloseParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(cooperativeClose(params), params.height, params);
}

export function buildArbiterResolveTx(params: SplitCloseParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(arbiterResolve(params), params.height, params);
}

export function buildConsumerExitTx(
  params: CloseParams & { readonly consumer: string } & TxFunding,
): EIP12UnsignedTransaction {
  return buildWith(consumerExit(params), params.height, params);
}

export function buildProviderCloseTx(params: ProviderCloseParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(providerClose(params), params.height, params);
}

export function buildExpireTx(params: CloseParams & TxFunding): EIP12UnsignedTransaction {
  return buildWith(expireEscrow(params), params.height, params);
}

function splitClose(params: SplitCloseParams, action: EscrowAction): FleetPlugin {
  const config = readConfig(params);
  const escrow = readEscrow(params.escrowBox, params.deployment);
  if (params.providerShare < 0n || params.providerShare > escrow.gpuc) {
    throw new InvalidRentalArgumentError(
      "providerShare",
      params.providerShare,
      `between 0 and the ${escrow.gpuc} held`,
    );
  }
  return close(params, config, escrow, action, params.providerShare, params.providerShare);
}

function close(
  params: CloseParams,
  config: ProtocolConfig,
  escrow: EscrowState,
  action: EscrowAction,
  gross: bigint,
  amountVar?: bigint,
  receiptsRoot?: string,
): FleetPlugin {
  const settlement = { gross, refund: escrow.gpuc - gross, rest: 0n, terms: escrow };
  const outputs = settlementOutputs(escrow, settlement, config, params.deployment, receiptsRoot);
  return spendEscrows(params.configBox, [{ escrow, action, amount: amountVar, outputs }]);
}

function minBigInt(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
