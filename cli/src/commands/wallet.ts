import { walletBalance } from "../actions/wallet.ts";
import { JsonHttp } from "../core/http.ts";
import { formatErg, formatGpuc, parseAmount } from "../core/units.ts";
import { createWalletFile, readWalletFile } from "../core/wallet-file.ts";
import type { Command } from "./command.ts";

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
      const nanoErgs = parseAmount(String(env.values.erg), 9, "--erg");
      const node = new JsonHttp(env.config.nodeUrl, "The devnet");
      const { txId } = await node.request<{ txId: string }>("POST", "/devnet/faucet", {
        body: { address: session.wallet.address, nanoErgs: nanoErgs.toString() },
      });
      await session.chain.confirm(txId, "faucet");
      env.output.result(
        { txId, address: session.wallet.address, nanoErgs },
        `Received ${formatErg(nanoErgs)} in ${txId}`,
      );
    },
  },
};
