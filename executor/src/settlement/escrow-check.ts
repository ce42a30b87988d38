import {
  type ChainBox,
  type ChainClient,
  type EscrowState as ChainEscrow,
  NotAnEscrowError,
  parseEscrowBox,
} from "@gpuc/offchain";
import type { Deployment } from "./chain-settlement.ts";
import { EscrowRefusedError, EscrowUnresolvedError } from "./errors.ts";
import { successorIn } from "./escrow-lineage.ts";

// What the executor checks on chain before it serves a rental, trusting nothing the marketplace says about the
// escrow. Creating a box runs no script, so anyone can create a box at the escrow address with any registers,
// including an R8 that names a genuine escrow. A box counts only if walking back through R8 reaches an opening
// box, each step being the exact output the contract pins in the transaction that spent its parent.

export interface OpeningCheck {
  readonly deployment: Deployment;
  /** ErgoTree of this executor's provider key: the escrow must pay it. */
  readonly providerTree: string;
  /** Blocks before its inclusion an opening escrow's startHeight may lie (mempool wait). */
  readonly startSlackBlocks: number;
}

/** Walks back from `boxId` (the box the marketplace named) to the box that opened the escrow. */
export async function openingBox(
  chain: ChainClient,
  check: OpeningCheck,
  instanceId: string,
  boxId: string,
  maxSteps: number,
): Promise<{ readonly box: ChainBox; readonly escrow: ChainEscrow }> {
  const tree = check.deployment.contracts.rentalEscrow.ergoTree;
  let box = await chain.indexedBox(boxId);
  if (!box) throw new EscrowUnresolvedError(instanceId, boxId);
  for (let step = 0; step < maxSteps; step++) {
    const escrow = readEscrow(instanceId, box, check.deployment);
    if (escrow.parentBoxId === undefined) return { box, escrow };
    const parent = await chain.indexedBox(escrow.parentBoxId);
    const spender = parent?.spentTransactionId
      ? await chain.transaction(parent.spentTransactionId)
      : undefined;
    if (
      !parent ||
      spender?.id !== box.transactionId ||
      successorIn(spender, parent.boxId, tree)?.boxId !== box.boxId
    ) {
      throw new EscrowRefusedError(
        instanceId,
        `box ${box.boxId} names escrow ${escrow.parentBoxId} as its parent, but no transaction spending that escrow recreated it as this box (anyone can create a box pointing at an escrow)`,
      );
    }
    box = parent;
  }
  throw new EscrowRefusedError(instanceId, `the escrow was recreated more than ${maxSteps} times`);
}

/**
 * Why an opening escrow must not be served, or undefined: it must name this provider, start billing at or a few
 * blocks before the block that included it (a far-future start means the provider can never claim, a far-past
 * one bills hours nobody served), have paid nothing, and hold every prepaid hour.
 */
export function openingRefusal(box: ChainBox, escrow: ChainEscrow, check: OpeningCheck): string | undefined {
  if (escrow.provider !== check.providerTree) return "the escrow names another provider";
  const included = box.inclusionHeight;
  if (included === undefined) return `the opening box ${box.boxId} has no inclusion height`;
  const earliest = included - check.startSlackBlocks;
  if (escrow.startHeight > included || escrow.startHeight < earliest) {
    return `startHeight ${escrow.startHeight} is not within [${earliest}, ${included}] (the opening box's inclusion height less ${check.startSlackBlocks} blocks)`;
  }
  if (escrow.paidHours !== 0) return `the escrow opened with ${escrow.paidHours} hours already marked paid`;
  return fundingRefusal(escrow);
}

/** Why an escrow is not fully funded, or undefined. */
export function fundingRefusal(escrow: ChainEscrow): string | undefined {
  if (escrow.fullyFunded) return undefined;
  const owed = BigInt(escrow.prepaidHours - escrow.paidHours) * escrow.pricePerHour;
  return `the escrow holds ${escrow.gpuc} GPUC units, less than the ${owed} its ${escrow.prepaidHours - escrow.paidHours} unpaid prepaid hours need`;
}

/** Reads an escrow box of this rental, refusing anything else. */
export function readEscrow(instanceId: string, box: ChainBox, deployment: Deployment): ChainEscrow {
  let escrow: ChainEscrow;
  try {
    escrow = parseEscrowBox(box, deployment);
  } catch (error) {
    if (error instanceof NotAnEscrowError) throw new EscrowRefusedError(instanceId, error.message);
    throw error;
  }
  if (escrow.rentalId !== instanceId.replaceAll("-", "").toLowerCase()) {
    throw new EscrowRefusedError(instanceId, `box ${box.boxId} is the escrow of rental ${escrow.rentalId}`);
  }
  return escrow;
}
