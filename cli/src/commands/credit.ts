import { formatErg, formatGpuc, parseErg, parseGpuc } from "@gpuc/sdk";
import { drawCredit, openCredit, repayCredit } from "../actions/credit.ts";
import { walletBalance } from "../actions/wallet.ts";
import { argument, type Command, stringOption } from "./command.ts";

const summary = (debt: bigint, collateral: bigint) =>
  `debt ${formatGpuc(debt)}, collateral ${formatErg(collateral)}`;

export const creditCommands: Record<string, Command> = {
  open: {
    usage: "gpuc credit open --collateral <ERG>",
    summary: "Open a LETS credit account backed by ERG collateral",
    options: { collateral: { type: "string" } },
    async run(env) {
      const usage = this.usage;
      const collateral = parseErg(stringOption(env, "collateral", usage), "--collateral");
      const result = await openCredit(env.session(), collateral);
      env.output.result(result, `Credit account opened in ${result.txId}: ${summary(0n, collateral)}`);
    },
  },
  draw: {
    usage: "gpuc credit draw <GPUC>",
    summary: "Draw GPUC against the account's collateral (the debt grows by as much)",
    async run(env) {
      const units = parseGpuc(argument(env, "GPUC", this.usage), "The amount");
      const result = await drawCredit(env.session(), units);
      env.output.result(
        result,
        `Drew ${formatGpuc(units)} in ${result.txId}: ${summary(result.debt, result.collateral)}`,
      );
    },
  },
  repay: {
    usage: "gpuc credit repay <GPUC>",
    summary: "Repay GPUC of the account's debt",
    async run(env) {
      const units = parseGpuc(argument(env, "GPUC", this.usage), "The amount");
      const result = await repayCredit(env.session(), units);
      env.output.result(
        result,
        `Repaid ${formatGpuc(units)} in ${result.txId}: ${summary(result.debt, result.collateral)}`,
      );
    },
  },
  show: {
    usage: "gpuc credit show",
    summary: "The credit account's debt and collateral",
    async run(env) {
      const { credit } = await walletBalance(env.session());
      env.output.result(credit, credit ? summary(credit.debt, credit.collateral) : "No credit account");
    },
  },
};
