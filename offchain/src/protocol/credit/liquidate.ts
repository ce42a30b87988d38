import { type Amount, type Box, type EIP12UnsignedTransaction, max } from "@fleet-sdk/common";
import { type FleetPlugin, OutputBuilder, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { bankSuccessor, parseBankBox } from "../bank/bank.ts";
import { BankBoxMismatchError } from "../errors/bankBoxMismatch.ts";
import { NotLiquidatableError } from "../errors/notLiquidatable.ts";
import { parseCreditAccount } from "./account.ts";
import { isLiquidatable, liquidationPenalty } from "./health.ts";
import { type LetsBoxes, letsConfig } from "./lets.ts";
import { buildWithWallet, type WalletContext } from "./wallet.ts";

export interface LiquidateOptions extends LetsBoxes {
  readonly account: Box<Amount>;
}

/**
 * Liquidates an account below the liquidation ratio: the liquidator repays its whole debt into the Bank (GPUC
 * from the wallet), the treasury gets the penalty share of the collateral, the liquidator the rest (as change).
 *
 * @example
 * buildLiquidation({ deployment, configBox, bankBox, account }, { inputs: myBoxes, changeAddress: me, height });
 */
export function liquidate(options: LiquidateOptions): FleetPlugin {
  const config = letsConfig(options);
  const account = parseCreditAccount(options.account, options.deployment);
  if (!isLiquidatable(account.collateral, account.debt, config))
    throw new NotLiquidatableError(account.box.boxId);
  if (!options.bankBox) throw new BankBoxMismatchError("(none given)");
  const bank = parseBankBox(options.bankBox, options.deployment);
  const penalty = liquidationPenalty(account.collateral, config);
  // The treasury output must exist at the account's index even when the penalty is below the minimum box value.
  const treasuryValue = max(penalty, SAFE_MIN_BOX_VALUE);
  return ({ addInputs, addDataInputs, addOutputs }) => {
    addInputs([bank.box, account.box]);
    const bankOut = bankSuccessor(bank.box, { [options.deployment.gpucTokenId]: account.debt });
    addOutputs([bankOut, new OutputBuilder(treasuryValue, config.treasury)], { index: 0 });
    addDataInputs(options.configBox);
  };
}

export function buildLiquidation(options: LiquidateOptions, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(liquidate(options), wallet);
}
