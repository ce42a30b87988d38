import type { Command } from "./command.ts";

const code = () => import("./provider.run.ts");

export const providerCommands: Record<string, Command> = {
  stake: {
    usage: "gpuc provider stake --erg <amount> --listing <listing.json>",
    summary:
      "Stake ERG behind a GPU listing (creates the stake box, or tops it up and points it at the listing)",
    options: { erg: { type: "string" }, listing: { type: "string" } },
    run: async (env) => (await code()).stake(env),
  },
  list: {
    usage: "gpuc provider list --listing <listing.json> [--name <name>] [--api-key]",
    summary: "List the staked GPUs on the marketplace; --api-key also prints a provider key for the executor",
    options: { listing: { type: "string" }, name: { type: "string" }, "api-key": { type: "boolean" } },
    run: async (env) => (await code()).list(env),
  },
  status: {
    usage: "gpuc provider status",
    summary: "Your providers and their stake",
    run: async (env) => (await code()).status(env),
  },
  unbond: {
    usage: "gpuc provider unbond",
    summary: "Start unbonding the stake (its GPUs are no longer listed)",
    run: async (env) => (await code()).unbond(env),
  },
  withdraw: {
    usage: "gpuc provider withdraw",
    summary: "Withdraw the stake once unbonding has finished",
    run: async (env) => (await code()).withdraw(env),
  },
};
