import type { Command } from "./command.ts";

const code = () => import("./credit.run.ts");

export const creditCommands: Record<string, Command> = {
  open: {
    usage: "gpuc credit open --collateral <ERG>",
    summary: "Open a LETS credit account backed by ERG collateral",
    options: { collateral: { type: "string" } },
    run: async (env) => (await code()).open(env),
  },
  draw: {
    usage: "gpuc credit draw <GPUC>",
    summary: "Draw GPUC against the account's collateral (the debt grows by as much)",
    run: async (env) => (await code()).draw(env),
  },
  repay: {
    usage: "gpuc credit repay <GPUC>",
    summary: "Repay GPUC of the account's debt",
    run: async (env) => (await code()).repay(env),
  },
  show: {
    usage: "gpuc credit show",
    summary: "The credit account's debt and collateral (exit 5 when there is none)",
    run: async (env) => (await code()).show(env),
  },
};
