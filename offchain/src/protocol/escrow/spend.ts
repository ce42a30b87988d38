import { EscrowAction, EscrowVar } from "@gpuc/ergoscript";
import { readConstant } from "../registers.ts";

/** The context variables of an input that spent an escrow: which path ran and where its outputs are. */
export interface EscrowSpendVars {
  readonly action: EscrowAction;
  /** Index of the escrow's first output (payouts, then the recreated escrow). */
  readonly outputIndex: number;
  /** Hours (claim, extend) or the provider's gross share (the split paths); undefined when the path has none. */
  readonly amount?: bigint;
}

const ACTIONS: ReadonlySet<number> = new Set(Object.values(EscrowAction));

/** The spend paths that recreate the escrow; every other one closes it. */
export const RECREATING_ACTIONS: ReadonlySet<EscrowAction> = new Set([
  EscrowAction.claim,
  EscrowAction.extend,
]);

/**
 * Reads an escrow input's context extension (variable id → serialized constant, as the node shows a spending
 * proof's extension), by the contract's variable ids (`EscrowVar`). Undefined when it is not a valid escrow spend.
 *
 * @example
 * const spend = readEscrowSpend(tx.inputs[0].spendingProof.extension);
 * spend?.action === EscrowAction.claim;
 */
export function readEscrowSpend(extension: Readonly<Record<string, string>>): EscrowSpendVars | undefined {
  const action = readConstant(extension[EscrowVar.action], "SByte");
  const outputIndex = readConstant(extension[EscrowVar.outputIndex], "SInt");
  if (action === undefined || outputIndex === undefined || !isEscrowAction(action)) return undefined;
  return { action, outputIndex, amount: readConstant(extension[EscrowVar.amount], "SLong") };
}

/** The name of a spend path, for messages. */
export function escrowActionName(action: EscrowAction): string {
  return Object.entries(EscrowAction).find(([, value]) => value === action)?.[0] ?? String(action);
}

function isEscrowAction(value: number): value is EscrowAction {
  return ACTIONS.has(value);
}
