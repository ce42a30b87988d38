import { formatErg, formatGpuc, HttpClient, parseErg } from "@gpuc/sdk";
import { z } from "zod";
import { walletBalance } from "../actions/wallet.ts";
import { createWalletFile, readWalletFile } from "../core/wallet-file.ts";
import type { Command } from "./command.ts";

/** What the devnet faucet answers (`POST /devnet/faucet`). */
const faucetAnswer = z.object({ txId: z.string() });

export const walletCommands: Record<string, Command> = {
  new: {
    usage: "gpuc wallet new [--force]",
    summary: "Create a wallet (a fresh mnemonic) in the wallet file, readable only by you",
    options: { force: { type: "boolean" } },
    async run(env) {
      const wallet = createWalletFile(env.config.walletPath, {
        network: env.config.network,
        force: env.values.force === true,
      });
      env.output.result(
        { address: wallet.address, path: wallet.path },
        `Created wallet ${wallet.address}\nin ${wallet.path} (mode 0600). Back up its mnemonic: it is the only key.`,
      );
    },
  },
  address: {
    usage: "gpuc wallet address",
    summary: "Print the wallet's address",
    async run(env) {
      const wallet = readWalletFile(env.config.walletPath);
      env.output.result({ address: wallet.address }, wallet.address);
    },
  },
  balance: {
    usage: "gpuc wallet balance",
    summary: "ERG, GPUC and the credit line of the wallet, from the chain",
    async run(env) {
      const balance = await walletBalance(env.session());
      const credit = balance.credit
        ? `credit:  ${formatGpuc(balance.credit.debt)} drawn against ${formatErg(balance.credit.collateral)}`
        : "credit:  none (open one with `gpuc credit open --collateral <ERG>`)";
      env.output.result(
        balance,
        `address: ${balance.address}\nERG:     ${formatErg(balance.nanoErgs)}\nGPUC:    ${formatGpuc(balance.gpuc)}\n${credit}`,
      );
    },
  },
  faucet: {
    usage: "gpuc wallet faucet [--erg <amount>]   (devnet only)",
    summary: "Get test ERG from the devnet's faucet",
    options: { erg: { type: "string", default: "100" } },
    async run(env) {
      const session = env.session();
      const nanoErgs = parseErg(String(env.values.erg), "--erg");
      const devnet = new HttpClient({ baseUrl: env.config.nodeUrl, service: "The devnet" });
      const body = { address: session.wallet.address, nanoErgs: nanoErgs.toString() };
      const { txId } = await devnet.json({ method: "POST", path: "/devnet/faucet", body }, faucetAnswer);
      await session.chain.confirm(txId, "faucet");
      env.output.result(
        { txId, address: session.wallet.address, nanoErgs },
        `Received ${formatErg(nanoErgs)} in ${txId}`,
      );
    },
  },
};
