import { formatErg, formatGpuc, HttpClient, parseErg } from "@gpuc/sdk";
import { z } from "zod";
import { walletBalance } from "../actions/wallet.ts";
import { keyValues } from "../core/table.ts";
import { createWalletFile, readWalletFile } from "../core/wallet-file.ts";
import type { CommandEnv } from "./command.ts";
import { session } from "./session.ts";

/** What the devnet faucet answers (`POST /devnet/faucet`). */
const faucetAnswer = z.object({ txId: z.string() });

export async function newWallet(env: CommandEnv): Promise<void> {
  const wallet = createWalletFile(env.config.walletPath, {
    network: env.config.network,
    force: env.values.force === true,
  });
  env.output.result(
    { address: wallet.address, path: wallet.path },
    `Created wallet ${wallet.address}\nin ${wallet.path} (mode 0600). Back up its mnemonic: it is the only key.`,
  );
}

export async function address(env: CommandEnv): Promise<void> {
  const wallet = readWalletFile(env.config.walletPath);
  env.output.result({ address: wallet.address }, wallet.address);
}

export async function balance(env: CommandEnv): Promise<void> {
  const balance = await walletBalance(session(env));
  const credit = balance.credit
    ? `${formatGpuc(balance.credit.debt)} drawn against ${formatErg(balance.credit.collateral)} of collateral`
    : "none (open one with `gpuc credit open --collateral <ERG>`)";
  env.output.result(
    balance,
    keyValues([
      ["address", balance.address],
      ["ERG", formatErg(balance.nanoErgs)],
      ["GPUC", formatGpuc(balance.gpuc)],
      ["credit", credit],
      ...balance.bridged.map((token): [string, string] => [token.name, token.amount]),
    ]),
  );
}

export async function faucet(env: CommandEnv): Promise<void> {
  const gpuc = session(env);
  const nanoErgs = parseErg(String(env.values.erg), "--erg");
  const devnet = new HttpClient({ baseUrl: env.config.nodeUrl, service: "The devnet" });
  const body = { address: gpuc.wallet.address, nanoErgs: nanoErgs.toString() };
  const { txId } = await devnet.json({ method: "POST", path: "/devnet/faucet", body }, faucetAnswer);
  await gpuc.chain.confirm(txId, "faucet");
  env.output.result(
    { txId, address: gpuc.wallet.address, nanoErgs },
    `Received ${formatErg(nanoErgs)} in ${txId}`,
  );
}
