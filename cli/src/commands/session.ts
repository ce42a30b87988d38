import { existsSync } from "node:fs";
import { readDeployment } from "@gpuc/offchain";
import type { Gpuc } from "../actions/context.ts";
import { ChainContext } from "../core/chain.ts";
import { DeploymentMissingError } from "../core/errors.ts";
import { marketplaceFor } from "../core/market.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import type { CommandEnv } from "./command.ts";

const sessions = new WeakMap<CommandEnv, Gpuc>();

/**
 * The wallet, chain and marketplace of a command (read on first use, then the same for the whole command: commands
 * without a wallet never need one).
 */
export function session(env: CommandEnv): Gpuc {
  const known = sessions.get(env);
  if (known) return known;
  const { config, output } = env;
  const wallet = readWalletFile(config.walletPath);
  if (!existsSync(config.deploymentFile)) throw new DeploymentMissingError(config.deploymentFile);
  const deployment = readDeployment(config.deploymentFile);
  const created: Gpuc = {
    wallet,
    chain: new ChainContext(config.nodeUrl, deployment, output, config.confirmTimeoutMs),
    market: marketplaceFor(config.marketplaceUrl, wallet.signer),
    output,
  };
  sessions.set(env, created);
  return created;
}
