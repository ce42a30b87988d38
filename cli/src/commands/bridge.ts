import type { Command } from "./command.ts";

const code = () => import("./bridge.run.ts");

/** `gpuc bridge …`: Rosen Bridge through the marketplace (tokens, deposits, swaps in, withdrawals out). */
export const bridgeCommands: Record<string, Command> = {
  tokens: {
    usage: "gpuc bridge tokens",
    summary:
      "The bridge's token map on Ergo: each token's origin chain, and whether it swaps into GPUC (or why not)",
    run: async (env) => (await code()).tokens(env),
  },
  in: {
    usage: "gpuc bridge in",
    summary:
      "How to bridge in: per source chain, what to lock in Rosen's app and the Ergo address to name (yours)",
    run: async (env) => (await code()).bridgeIn(env),
  },
  deposits: {
    usage: "gpuc bridge deposits",
    summary: "Bridged tokens that arrived at your wallet, with their confirmations",
    run: async (env) => (await code()).deposits(env),
  },
  swap: {
    usage: "gpuc bridge swap --token <name> --amount <amount> [--dry-run]",
    summary:
      "Swap a bridged USD stable into GPUC through the Bank; --dry-run prints the quote and the unsigned transaction",
    options: { token: { type: "string" }, amount: { type: "string" }, "dry-run": { type: "boolean" } },
    run: async (env) => (await code()).swap(env),
  },
  whitelist: {
    usage: "gpuc bridge whitelist [--dry-run]   (the Config admin's wallet)",
    summary:
      "Propose the Config whitelist the token map gives at today's price (Config price × ERG/USD oracle) and sign it as the admin; --dry-run prints it",
    options: { "dry-run": { type: "boolean" } },
    run: async (env) => (await code()).whitelist(env),
  },
  faucet: {
    usage: "gpuc bridge faucet --token <name> --amount <amount> [--to <address>]   (devnet)",
    summary:
      "Devnet only: the devnet guard pays bridged tokens to your wallet (or --to), as Rosen's guards pay a transfer in",
    options: { token: { type: "string" }, amount: { type: "string" }, to: { type: "string" } },
    run: async (env) => (await import("./bridge-faucet.run.ts")).faucet(env),
  },
  withdraw: {
    usage:
      "gpuc bridge withdraw --to-chain <chain> --to <address> --amount <GPUC> [--token <name>] [--bridge-fee <units>] [--network-fee <units>] [--dry-run]",
    summary:
      "Turn GPUC into a whitelisted stable and lock it to another chain in one transaction; --dry-run prints the quote and the unsigned EIP-12 transaction",
    options: {
      "to-chain": { type: "string" },
      to: { type: "string" },
      amount: { type: "string" },
      token: { type: "string" },
      "bridge-fee": { type: "string" },
      "network-fee": { type: "string" },
      "dry-run": { type: "boolean" },
    },
    run: async (env) => (await code()).withdraw(env),
  },
};
