import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { DuplicateInputError, type FleetPlugin } from "@fleet-sdk/core";
import type { Deployment } from "@gpuc/ergoscript";
import { toErgoTree } from "../config/sigmaProp.ts";
import { type ProtocolConfig, parseConfigBox } from "../config.ts";
import { buildWithWallet } from "../credit/wallet.ts";
import { NotEscrowPartyError } from "../errors/notEscrowParty.ts";
import { type EscrowState, parseEscrowBox } from "./registers.ts";

/** What every escrow action reads: the deployment, the current Config box and the chain height. */
export interface EscrowActionBase {
  readonly deployment: Deployment;
  /** The current Config box (found by the Config NFT); it goes in as data input 0. */
  readonly configBox: Box<Amount>;
  /** The chain's current height; the transaction is validated at the next one. */
  readonly height: number;
}

/** Wallet boxes that pay the miner fee and the payout boxes' ERG (and GPUC when the action adds GPUC). */
export interface TxFunding {
  readonly inputs: readonly Box<Amount>[];
  readonly changeAddress: string;
  /** Miner fee in nanoERG (default Fleet's recommended minimum, 0.0011 ERG). */
  readonly fee?: bigint;
}

/** The Config box read and checked against the deployment's Config NFT. */
export function readConfig(base: EscrowActionBase): ProtocolConfig {
  return parseConfigBox(base.configBox, base.deployment.configNftId);
}

/** An escrow read, checked to name `address` as its `role` when an address is given. */
export function readEscrow(
  box: Box<Amount>,
  deployment: Deployment,
  party?: { role: "provider" | "consumer"; address: string },
): EscrowState {
  const escrow = parseEscrowBox(box, deployment);
  if (party && escrow[party.role] !== toErgoTree(party.address)) {
    throw new NotEscrowPartyError(escrow.boxId, party.role, party.address);
  }
  return escrow;
}

/**
 * A whole unsigned transaction (EIP-12) around one action plugin. Throws `InsufficientFundsError` (what is
 * missing) when the funding boxes cannot pay for it.
 */
export function buildWith(plugin: FleetPlugin, height: number, funding: TxFunding): EIP12UnsignedTransaction {
  return buildWithWallet(plugin, {
    inputs: funding.inputs,
    changeAddress: funding.changeAddress,
    height,
    fee: funding.fee,
  });
}

type DataInputAdder = Parameters<FleetPlugin>[0]["addDataInputs"];

/**
 * Puts the Config box at data input 0, where the rentals contracts read it. Another plugin of the same transaction
 * may have put it there already (several escrow or stake actions composed): that is fine.
 */
export function addConfigDataInput(addDataInputs: DataInputAdder, configBox: Box<Amount>): void {
  try {
    addDataInputs(configBox, { index: 0 });
  } catch (error) {
    if (!(error instanceof DuplicateInputError)) throw error;
  }
}
