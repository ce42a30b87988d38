import { existsSync } from "node:fs";
import type { Devnet } from "@gpuc/devnet";
import type { Deployment } from "@gpuc/ergoscript";
import {
  type ChainClient,
  type ConfigSettings,
  DEFAULT_PARAMS,
  deployProtocol,
  readDeployment,
  waitForConfirmations,
} from "@gpuc/offchain";
import { CliError } from "../core/errors.ts";
import type { SystemKeys } from "./keys.ts";

/** The deployment file names token ids this chain does not have (a fresh chain under an old data dir). */
export class StaleDeploymentError extends CliError {
  constructor(readonly path: string) {
    super(
      `The deployment in ${path} is not on this chain (its Config box is missing); delete that file (and the data dir) to deploy afresh, or point GPUC_DEPLOYMENT_FILE at this chain's deployment`,
    );
  }
}

/** No deployment file and no devnet to deploy on. */
export class DeploymentRequiredError extends CliError {
  constructor(readonly path: string) {
    super(
      `No deployment at ${path}: with ERGO_NODE_URL, deploy GPUC on that chain first and set GPUC_DEPLOYMENT_FILE to its file`,
    );
  }
}

/** Waits until a submitted transaction is in a block: mines one on an on-demand devnet, else polls. */
export function confirmer(chain: ChainClient, devnet?: Devnet, blockMs = 0) {
  return async (txId: string): Promise<void> => {
    if (devnet && blockMs === 0) await devnet.mine();
    else await waitForConfirmations(chain, txId, 1, { pollMs: 100, timeoutMs: 120_000 });
  };
}

/** Devnet-friendly protocol parameters: a short billing hour, short unbonding and dispute windows. */
export function devnetSettings(keys: SystemKeys, blocksPerHour: number, price: bigint): ConfigSettings {
  return {
    ...DEFAULT_PARAMS,
    blocksPerHour,
    unbondingBlocks: 2 * blocksPerHour,
    disputeGraceBlocks: blocksPerHour,
    minStakePerGpu: 10_000_000_000n,
    price,
    whitelist: [],
    admin: keys.admin.address,
    arbiter: keys.arbiter.address,
    treasury: keys.treasury.address,
  };
}

export interface EnsureDeploymentOptions {
  readonly chain: ChainClient;
  readonly path: string;
  /** Present on the devnet: a missing deployment is deployed (first start). */
  readonly deploy?: {
    readonly devnet: Devnet;
    readonly keys: SystemKeys;
    readonly settings: ConfigSettings;
    readonly confirm: (txId: string) => Promise<void>;
  };
}

/**
 * The system's deployment: read from its file and checked against the chain, or (first devnet start) deployed —
 * the admin wallet is funded from the faucet, the protocol deployed, the file written.
 */
export async function ensureDeployment(
  options: EnsureDeploymentOptions,
): Promise<{ deployment: Deployment; created: boolean }> {
  if (existsSync(options.path)) {
    const deployment = readDeployment(options.path);
    const config = await options.chain.unspentByTokenId(deployment.configNftId);
    if (config.length === 0) throw new StaleDeploymentError(options.path);
    return { deployment, created: false };
  }
  if (!options.deploy) throw new DeploymentRequiredError(options.path);
  const { devnet, keys, settings, confirm } = options.deploy;
  const { txId } = await devnet.faucet(keys.admin.address, { nanoErgs: 100_000_000_000n });
  await confirm(txId);
  const deployment = await deployProtocol({
    chain: options.chain,
    signer: keys.admin.signer,
    network: "devnet",
    settings,
    afterSubmit: confirm,
    outputPath: options.path,
  });
  return { deployment, created: true };
}
