import { formatErg, formatGpuc, parseErg, parseGpuc } from "@gpuc/sdk";
import { drawCredit, openCredit, repayCredit } from "../actions/credit.ts";
import { walletBalance } from "../actions/wallet.ts";
import { NotFoundOnChainError } from "../core/errors.ts";
import { keyValues } from "../core/table.ts";
import { argument, type CommandEnv, stringOption } from "./command.ts";
import { session } from "./session.ts";

const summary = (debt: bigint, collateral: bigint) =>
  `debt ${formatGpuc(debt)}, collateral ${formatErg(collateral)}`;

export async function open(env: CommandEnv): Promise<void> {
  const collateral = parseErg(stringOption(env, "collateral"), "--collateral");
  const result = await openCredit(session(env), collateral);
  env.output.result(result, `Credit account opened in ${result.txId}: ${summary(0n, collateral)}`);
}

export async function draw(env: CommandEnv): Promise<void> {
  const units = parseGpuc(argument(env, "GPUC"), "The amount");
  const result = await drawCredit(session(env), units);
  env.output.result(
    result,
    `Drew ${formatGpuc(units)} in ${result.txId}: ${summary(result.debt, result.collateral)}`,
  );
}

export async function repay(env: CommandEnv): Promise<void> {
  const units = parseGpuc(argument(env, "GPUC"), "The amount");
  const result = await repayCredit(session(env), units);
  env.output.result(
    result,
    `Repaid ${formatGpuc(units)} in ${result.txId}: ${summary(result.debt, result.collateral)}`,
  );
}

export async function show(env: CommandEnv): Promise<void> {
  const { address, credit } = await walletBalance(session(env));
  if (!credit) {
    throw new NotFoundOnChainError(
      `${address} has no credit account; open one with \`gpuc credit open --collateral <ERG>\``,
    );
  }
  env.output.result(
    credit,
    keyValues([
      ["debt", formatGpuc(credit.debt)],
      ["collateral", formatErg(credit.collateral)],
      ["box", credit.boxId],
    ]),
  );
}
