import type { Amount, Box } from "@fleet-sdk/common";
import { StakeAction, StakeVar } from "@gpuc/ergoscript";
import { LineageTooLongError } from "../errors/lineageTooLong.ts";
import { LineageUnresolvedError } from "../errors/lineageUnresolved.ts";
import { NotAStakeError } from "../errors/notAStake.ts";
import type { LineageView, Spender } from "../lineage/view.ts";
import { readConstant } from "../registers.ts";
import { parseStakeBox, type StakeDeployment, type StakeState } from "./registers.ts";

// A provider's stake is recreated by each update (top-up, new listing, unbonding) at OUTPUTS(0), and by a partial
// slash at OUTPUTS(1) with its registers unchanged; withdraw and a full slash end it. Anyone can create a box at
// the stake address naming any provider (no script runs at creation), so a stake is followed only through those
// outputs of the transactions that spent it, from the box the provider registered — never picked as "the newest
// box naming the provider".

/** The context variables of an input that spent a stake. */
export interface StakeSpendVars {
  readonly action: StakeAction;
  /** The slashed nanoERG (slash only). */
  readonly slashAmount?: bigint;
}

/** One recreation of a stake. */
export interface StakeStep {
  readonly stake: StakeState;
  readonly action: typeof StakeAction.update | typeof StakeAction.slash;
  readonly transactionId?: string;
}

/** Where a walk forward ended: at the stake unspent now, or at its last box, withdrawn or slashed away. */
export interface StakeFollow {
  readonly status: "unspent" | "closed";
  readonly stake: StakeState;
  readonly steps: readonly StakeStep[];
}

export interface StakeLineageOptions {
  readonly deployment: StakeDeployment;
  /** Boxes followed before the walk gives up (default 10,000). */
  readonly maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 10_000;
/** Where each recreating path puts the stake again. */
const RECREATED_AT = { [StakeAction.update]: 0, [StakeAction.slash]: 1 } as const;

/** Reads a stake input's context extension by the contract's variable ids (`StakeVar`); undefined when invalid. */
export function readStakeSpend(extension: Readonly<Record<string, string>>): StakeSpendVars | undefined {
  const action = readConstant(extension[StakeVar.action], "SByte");
  const known = Object.values(StakeAction).find((value) => value === action);
  if (known === undefined) return undefined;
  return { action: known, slashAmount: readConstant(extension[StakeVar.slashAmount], "SLong") };
}

/**
 * The recreation of `parent` that `spender` (the transaction that spent it) made, or undefined when the spend
 * ended the stake: OUTPUTS(0) of an update — the stake script, the same provider, at least the old value — or
 * OUTPUTS(1) of a partial slash, registers unchanged. Without the spend's context extension (an index of boxes)
 * whichever of the two the outputs show.
 *
 * @example
 * const next = stakeSuccessor(stake, spenderOf(tx, stake.boxId), { deployment });
 */
export function stakeSuccessor(
  parent: StakeState,
  spender: Spender,
  options: StakeLineageOptions,
): StakeStep | undefined {
  const spend = spender.extension && readStakeSpend(spender.extension);
  if (spender.extension && (!spend || spend.action === StakeAction.withdraw)) return undefined;
  const paths = spend ? [spend.action] : [StakeAction.update, StakeAction.slash];
  for (const action of paths) {
    if (action === StakeAction.withdraw) continue;
    const output = spender.outputs.find((candidate) => candidate.index === RECREATED_AT[action]);
    const stake = output && readStake(output, options);
    if (stake && recreates(parent, stake, action)) return { stake, action, transactionId: spender.id };
  }
  return undefined;
}

/**
 * Follows a stake forward from `from` through each update and partial slash to the box unspent now, or to its
 * last box when it was withdrawn or slashed away. Throws `LineageUnresolvedError` when the view cannot tell
 * where a box went, `LineageTooLongError` beyond `maxSteps`.
 *
 * @example
 * const { status, stake } = await followStake(indexView, registeredStake, { deployment });
 * const listed = status === "unspent" && stake.unbondingStart === undefined;
 */
export async function followStake(
  view: LineageView,
  from: StakeState,
  options: StakeLineageOptions,
): Promise<StakeFollow> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let stake = from;
  const steps: StakeStep[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const where = await view.whereabouts(stake.boxId);
    if (!where) throw new LineageUnresolvedError(stake.boxId);
    if (where.status === "unspent")
      return { status: "unspent", stake: parseStakeBox(where.box.box, options.deployment), steps };
    const next = stakeSuccessor(stake, where.by, options);
    if (!next) return { status: "closed", stake, steps };
    steps.push(next);
    stake = next.stake;
  }
  throw new LineageTooLongError(stake.boxId, maxSteps);
}

/** Whether `child` is what `action` leaves of `parent` (same script and provider; update: value kept; slash: registers kept). */
function recreates(parent: StakeState, child: StakeState, action: StakeStep["action"]): boolean {
  if (child.box.ergoTree !== parent.box.ergoTree || child.provider !== parent.provider) return false;
  if (action === StakeAction.update) return child.value >= parent.value;
  return child.listingHash === parent.listingHash && child.unbondingStart === parent.unbondingStart;
}

function readStake(box: Box<Amount>, options: StakeLineageOptions): StakeState | undefined {
  try {
    return parseStakeBox(box, options.deployment);
  } catch (error) {
    if (error instanceof NotAStakeError) return undefined;
    throw error;
  }
}
