import type { Amount, Box } from "@fleet-sdk/common";
import { EscrowAction } from "@gpuc/ergoscript";
import { LineageTooLongError } from "../errors/lineageTooLong.ts";
import { LineageUnresolvedError } from "../errors/lineageUnresolved.ts";
import { NotAnEscrowError } from "../errors/notAnEscrow.ts";
import type { LineageView, Spender } from "../lineage/view.ts";
import { readBytes } from "../registers.ts";
import { NotASuccessorError } from "./errors/notASuccessor.ts";
import { WrongRentalError } from "./errors/wrongRental.ts";
import { type EscrowDeployment, type EscrowState, parseEscrowBox } from "./registers.ts";
import { type EscrowSpendVars, escrowActionName, RECREATING_ACTIONS, readEscrowSpend } from "./spend.ts";

// An escrow's lineage: each claim or top-up spends the escrow box and recreates it at the output its context
// variable 1 points at, tagged with the spent box's id in R8. No script runs when a box is created, so a box at
// the escrow address naming an escrow in R8 proves nothing by itself: a box continues an escrow only if the
// transaction that spent the escrow created it there, as exactly what a claim or a top-up leaves. Both the
// marketplace and the executor follow escrows only through such boxes, from the box the consumer opened.

export interface EscrowLineageOptions {
  readonly deployment: EscrowDeployment;
  /** The rental id (hex, R7) every box of the lineage must carry; any when undefined. */
  readonly rentalId?: string;
  /** Boxes followed before the walk gives up (default 10,000: one recreation per claim or top-up). */
  readonly maxSteps?: number;
}

/** One recreation of an escrow: the box a claim or a top-up left, and what it changed. */
export interface EscrowStep {
  readonly escrow: EscrowState;
  readonly action: typeof EscrowAction.claim | typeof EscrowAction.extend;
  /** Hours the step paid to the provider (claim) or added to the prepaid time (extend). */
  readonly hours: number;
  /** The transaction that made it, when the view says. */
  readonly transactionId?: string;
}

/** Where a walk forward ended: at the escrow still unspent, or at its last box, closed by a spend. */
export interface EscrowFollow {
  readonly status: "unspent" | "closed";
  /** The unspent escrow, or the last box of a closed one. */
  readonly escrow: EscrowState;
  /** Height of the block that included `escrow` (unspent only; undefined in the mempool). */
  readonly inclusionHeight?: number;
  readonly steps: readonly EscrowStep[];
}

/** The box a lineage starts at (the consumer opened it) and where it was included. */
export interface EscrowOrigin {
  readonly escrow: EscrowState;
  readonly inclusionHeight?: number;
}

const DEFAULT_MAX_STEPS = 10_000;

/** Registers a recreated escrow carries over unchanged (the contract keeps them; a forged box need not). */
const CARRIED = ["consumer", "provider", "rentalId", "pricePerHour", "startHeight"] as const;

/** Reads a box of the lineage: an escrow of the deployment (`NotAnEscrowError`) and of the rental (`WrongRentalError`). */
export function readLineageEscrow(box: Box<Amount>, options: EscrowLineageOptions): EscrowState {
  const escrow = parseEscrowBox(box, options.deployment);
  if (options.rentalId !== undefined && escrow.rentalId !== options.rentalId.toLowerCase()) {
    throw new WrongRentalError(box.boxId, escrow.rentalId, options.rentalId);
  }
  return escrow;
}

/**
 * Checks that `child` is the recreation of `parent` that the transaction which spent `parent` made: created by
 * that transaction, at the output its context variables point at (when the view keeps them), with the parties,
 * rental id, price and start carried over, and exactly what a claim (paid hours up, GPUC down by their price) or
 * a top-up (prepaid hours up, GPUC up by their price) leaves. `spender` is undefined when `parent` is unspent.
 * Resolves to the step, or throws `NotASuccessorError` saying why not.
 *
 * @example
 * const where = await view.whereabouts(current.boxId);
 * const step = checkSuccessor(current, where?.status === "spent" ? where.by : undefined, candidate);
 */
export function checkSuccessor(
  parent: EscrowState,
  spender: Spender | undefined,
  child: EscrowState,
): EscrowStep {
  const fail = (detail: string): never => {
    throw new NotASuccessorError(child.boxId, parent.boxId, detail);
  };
  if (child.parentBoxId !== parent.boxId) fail(`its R8 does not name ${parent.boxId}`);
  if (spender?.id === undefined || spender.id !== child.box.transactionId)
    return fail("no transaction spending that escrow recreated it as this box");
  const spend =
    spender.extension && (readEscrowSpend(spender.extension) ?? fail("the spend names no escrow action"));
  if (spend && !RECREATING_ACTIONS.has(spend.action))
    fail(`the escrow was spent by ${escrowActionName(spend.action)}, which recreates none`);
  if (spend && pinnedOutput(parent, spender, spend)?.boxId !== child.boxId)
    fail("it is not the output the spend's context variables point at");
  const changed = CARRIED.find((field) => child[field] !== parent[field]);
  if (changed) fail(`${changed} changed`);
  if (BigInt(child.box.value) < BigInt(parent.box.value))
    fail("it holds less ERG than the escrow it replaces");
  const step =
    stepShape(parent, child) ?? fail("it is neither what a claim nor what a top-up of the escrow leaves");
  if (spend && (spend.action !== step.action || spend.amount !== BigInt(step.hours)))
    fail(`it is not what a ${escrowActionName(spend.action)} of ${spend.amount} hours leaves`);
  if (!child.fullyFunded) fail(`it holds ${child.gpuc} GPUC units, less than its unpaid prepaid hours`);
  return { ...step, escrow: child, transactionId: spender.id };
}

/**
 * The recreation of `parent` that `spender` (the transaction that spent it) made, or undefined when the spend
 * closed the escrow. With the spend's context extension, that is the one output the contract pins (a pinned
 * output that fails the checks throws `NotASuccessorError`: the chain is not the contract's); without it (an
 * index of boxes), the first output at the escrow script naming `parent` that passes every check.
 */
export function escrowSuccessor(
  parent: EscrowState,
  spender: Spender,
  options: EscrowLineageOptions,
): EscrowStep | undefined {
  if (spender.extension) {
    const spend = readEscrowSpend(spender.extension);
    if (!spend || !RECREATING_ACTIONS.has(spend.action)) return undefined;
    const pinned = pinnedOutput(parent, spender, spend);
    return pinned && checkSuccessor(parent, spender, readLineageEscrow(pinned, options));
  }
  for (const output of spender.outputs.filter((candidate) => namesParent(candidate, parent))) {
    const step = tryStep(parent, spender, output, options);
    if (step) return step;
  }
  return undefined;
}

/**
 * Follows an escrow forward, from `from` (a box id, or a box already read) through each recreation, to the box
 * unspent now or the last box before a closing spend. Throws `LineageUnresolvedError` when the view cannot tell
 * where a box went yet, `NotAnEscrowError` / `WrongRentalError` for a box of the lineage that is no escrow of the
 * rental, `LineageTooLongError` beyond `maxSteps`.
 *
 * @example
 * const { status, escrow } = await followEscrow(nodeEscrowView(chain, deployment), openingBoxId, { deployment });
 */
export async function followEscrow(
  view: LineageView,
  from: string | EscrowState,
  options: EscrowLineageOptions,
): Promise<EscrowFollow> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let escrow = typeof from === "string" ? undefined : from;
  let boxId = typeof from === "string" ? from : from.boxId;
  const steps: EscrowStep[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const where = await view.whereabouts(boxId);
    if (!where) throw new LineageUnresolvedError(boxId);
    if (where.status === "unspent") {
      const current = readLineageEscrow(where.box.box, options);
      return { status: "unspent", escrow: current, inclusionHeight: where.box.inclusionHeight, steps };
    }
    escrow ??= readLineageEscrow(await knownBox(view, boxId), options);
    const next = escrowSuccessor(escrow, where.by, options);
    if (!next) return { status: "closed", escrow, steps };
    steps.push(next);
    escrow = next.escrow;
    boxId = escrow.boxId;
  }
  throw new LineageTooLongError(boxId, maxSteps);
}

/**
 * Walks back from the escrow box `boxId` through R8 to the box the consumer opened, checking each step with
 * `checkSuccessor` (so a box merely naming an escrow is refused with `NotASuccessorError`). Throws
 * `LineageUnresolvedError` when the view does not know `boxId` (e.g. not confirmed yet).
 *
 * @example
 * const { escrow, inclusionHeight } = await escrowOrigin(view, namedBoxId, { deployment, rentalId });
 * checkOpening(escrow, inclusionHeight, { provider: myTree, startSlackBlocks: 15 });
 */
export async function escrowOrigin(
  view: LineageView,
  boxId: string,
  options: EscrowLineageOptions,
): Promise<EscrowOrigin> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let known = await view.box(boxId);
  if (!known) throw new LineageUnresolvedError(boxId);
  let escrow = readLineageEscrow(known.box, options);
  for (let step = 0; step < maxSteps; step++) {
    if (escrow.parentBoxId === undefined) return { escrow, inclusionHeight: known.inclusionHeight };
    const parentBox = await view.box(escrow.parentBoxId);
    if (!parentBox)
      throw new NotASuccessorError(escrow.boxId, escrow.parentBoxId, "the escrow it names is not on chain");
    const parent = readLineageEscrow(parentBox.box, options);
    await verifySuccessor(view, parent, escrow);
    known = parentBox;
    escrow = parent;
  }
  throw new LineageTooLongError(boxId, maxSteps);
}

/**
 * Checks that `child` is the genuine recreation of `parent` on the chain `view` shows (see `checkSuccessor`):
 * resolves to the step, or throws `NotASuccessorError`.
 *
 * @example
 * await verifySuccessor(indexView, currentEscrow, newEscrow); // a top-up or claim the indexer just saw
 */
export async function verifySuccessor(
  view: LineageView,
  parent: EscrowState,
  child: EscrowState,
): Promise<EscrowStep> {
  const where = await view.whereabouts(parent.boxId);
  return checkSuccessor(parent, where?.status === "spent" ? where.by : undefined, child);
}

/** The output the contract pins: the first escrow output from the spend's output index that names `parent`. */
function pinnedOutput(
  parent: EscrowState,
  spender: Spender,
  spend: EscrowSpendVars,
): Box<Amount> | undefined {
  return spender.outputs.find((output) => output.index >= spend.outputIndex && namesParent(output, parent));
}

function namesParent(output: Box<Amount>, parent: EscrowState): boolean {
  return output.ergoTree === parent.box.ergoTree && readBytes(output.additionalRegisters.R8) === parent.boxId;
}

/** A claim (paid hours up, GPUC down by their price) or a top-up (prepaid up, GPUC up by their price), or neither. */
function stepShape(parent: EscrowState, child: EscrowState): Omit<EscrowStep, "escrow"> | undefined {
  const paid = child.paidHours - parent.paidHours;
  const added = child.prepaidHours - parent.prepaidHours;
  const price = parent.pricePerHour;
  if (paid > 0 && added === 0 && child.gpuc === parent.gpuc - BigInt(paid) * price)
    return { action: EscrowAction.claim, hours: paid };
  if (added > 0 && paid === 0 && child.gpuc === parent.gpuc + BigInt(added) * price)
    return { action: EscrowAction.extend, hours: added };
  return undefined;
}

/** The step `output` makes of `parent`, or undefined when it is no escrow of the rental or no genuine successor. */
function tryStep(
  parent: EscrowState,
  spender: Spender,
  output: Box<Amount>,
  options: EscrowLineageOptions,
): EscrowStep | undefined {
  try {
    return checkSuccessor(parent, spender, readLineageEscrow(output, options));
  } catch (error) {
    const skipped =
      error instanceof NotAnEscrowError ||
      error instanceof NotASuccessorError ||
      error instanceof WrongRentalError;
    if (skipped) return undefined;
    throw error;
  }
}

async function knownBox(view: LineageView, boxId: string): Promise<Box<Amount>> {
  const known = await view.box(boxId);
  if (!known) throw new LineageUnresolvedError(boxId);
  return known.box;
}
