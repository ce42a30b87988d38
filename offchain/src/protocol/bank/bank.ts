import type { Amount, Box } from "@fleet-sdk/common";
import { OutputBuilder } from "@fleet-sdk/core";
import type { DeploymentIds } from "@gpuc/ergoscript";
import { BankBoxMismatchError } from "../errors/bankBoxMismatch.ts";
import { InsufficientReserveError } from "../errors/insufficientReserve.ts";
import { tokenAmount } from "./tokens.ts";

/** The Bank box: tokens(0) = Bank NFT, then the unissued GPUC and the stable reserve. */
export interface BankState {
  readonly box: Box<Amount>;
  /** Unissued GPUC units. */
  readonly gpuc: bigint;
}

/**
 * Reads the Bank box, checking it is the genuine one (Bank NFT first, the deployment's Bank script).
 *
 * @example
 * const bank = parseBankBox((await chain.unspentByTokenId(deployment.bankNftId))[0]!, deployment);
 */
export function parseBankBox(
  box: Box<Amount>,
  deployment: DeploymentIds & { contracts: { bank: { ergoTree: string } } },
): BankState {
  if (
    box.assets[0]?.tokenId !== deployment.bankNftId ||
    box.ergoTree !== deployment.contracts.bank.ergoTree
  ) {
    throw new BankBoxMismatchError(box.boxId);
  }
  return { box, gpuc: tokenAmount(box, deployment.gpucTokenId) };
}

/**
 * The Bank's successor: same script, value and token order, with `deltas` (token id → signed change) applied;
 * a token new to the Bank goes last, one that reaches zero leaves the list.
 */
export function bankSuccessor(bank: Box<Amount>, deltas: Readonly<Record<string, bigint>>): OutputBuilder {
  const tokens = bank.assets.map((asset) => ({ tokenId: asset.tokenId, amount: BigInt(asset.amount) }));
  for (const [tokenId, delta] of Object.entries(deltas)) {
    const existing = tokens.find((token) => token.tokenId === tokenId);
    const available = existing?.amount ?? 0n;
    if (available + delta < 0n) throw new InsufficientReserveError(tokenId, available, -delta);
    if (existing) existing.amount += delta;
    else if (delta > 0n) tokens.push({ tokenId, amount: delta });
  }
  const output = new OutputBuilder(BigInt(bank.value), bank.ergoTree);
  const kept = tokens.filter((token) => token.amount > 0n);
  return kept.length ? output.addTokens(kept) : output;
}
