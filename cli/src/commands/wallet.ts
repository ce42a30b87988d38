import type { Command } from "./command.ts";

const code = () => import("./wallet.run.ts");

export const walletCommands: Record<string, Command> = {
  new: {
    usage: "gpuc wallet new [--force]",
    summary: "Create a wallet (a fresh mnemonic) in the wallet file, readable only by you",
    options: { force: { type: "boolean" } },
    run: async (env) => (await code()).newWallet(env),
  },
  address: {
    usage: "gpuc wallet address",
    summary: "Print the wallet's address",
    run: async (env) => (await code()).address(env),
  },
  balance: {
    usage: "gpuc wallet balance",
    summary: "ERG, GPUC and the credit line of the wallet, from the chain",
    run: async (env) => (await code()).balance(env),
  },
  faucet: {
    usage: "gpuc wallet faucet [--erg <amount>]   (devnet only)",
    summary: "Get test ERG from the devnet's faucet",
    options: { erg: { type: "string", default: "100" } },
    run: async (env) => (await code()).faucet(env),
  },
};
