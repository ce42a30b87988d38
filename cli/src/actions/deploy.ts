import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Deployment, NetworkName } from "@gpuc/ergoscript";
import {
  type ChainClient,
  type ConfigSettings,
  deployProtocol,
  type Signer,
  waitForConfirmations,
} from "@gpuc/offchain";
import { formatErg } from "@gpuc/sdk";
import { CliError, WaitTimeoutError } from "../core/errors.ts";
import type { Output } from "../core/output.ts";

/**
 * ERG the wallet must hold before a deployment starts: four transactions' fees (1.1 mERG each, the builders'
 * default) and the boxes the protocol keeps (Config, Bank, minted token boxes), with room to spare.
 */
export const DEPLOY_MIN_NANOERG = 100_000_000n;

/** The transactions `deployProtocol` submits, in order (for progress lines). */
const STEPS = ["Config NFT mint", "Bank NFT mint", "GPUC supply mint", "Config and Bank boxes"] as const;

/** `--out` names a file that already holds something: a deployment is never overwritten by accident. */
export class DeploymentExistsError extends CliError {
  constructor(readonly path: string) {
    super(
      `${path} already exists; a deployment file is the only record of the protocol's token ids — pass --force to overwrite it, or choose another --out`,
    );
  }
}

/** `--out` is in a folder that cannot be created or written. */
export class DeploymentPathError extends CliError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `Cannot write the deployment to ${path} (${cause instanceof Error ? cause.message : String(cause)}); choose another --out`,
      { cause },
    );
  }
}

/** The deploying wallet cannot pay for the deployment. */
export class DeployFundsError extends CliError {
  constructor(
    readonly address: string,
    readonly nanoErgs: bigint,
    readonly needed: bigint,
  ) {
    super(
      `The wallet ${address} holds ${formatErg(nanoErgs)}; deploying needs at least ${formatErg(needed)} (fees and the protocol's boxes). Send ERG to it and run again`,
    );
  }
}

export interface DeployRequest {
  readonly chain: ChainClient;
  /** The CLI wallet: pays everything, receives the minted tokens before they are locked. */
  readonly signer: Signer;
  readonly network: NetworkName;
  readonly settings: ConfigSettings;
  readonly outputPath: string;
  readonly overwrite: boolean;
  /** Confirmations awaited after each transaction (each next one spends the previous one's outputs). */
  readonly confirmations: number;
  readonly confirmTimeoutMs: number;
  readonly output: Output;
}

/**
 * Deploys GPUC with `deployProtocol`: checks the output path and the wallet's ERG first, then submits the four
 * transactions one by one, waiting for confirmations after each (progress on stderr), and writes the deployment JSON.
 */
export async function deploy(request: DeployRequest): Promise<Deployment> {
  const { chain, signer, output } = request;
  if (existsSync(request.outputPath) && !request.overwrite) {
    throw new DeploymentExistsError(request.outputPath);
  }
  ensureWritableFolder(request.outputPath);
  const boxes = await chain.unspentByAddress(signer.address);
  const nanoErgs = boxes.reduce((sum, box) => sum + BigInt(box.value), 0n);
  if (nanoErgs < DEPLOY_MIN_NANOERG) throw new DeployFundsError(signer.address, nanoErgs, DEPLOY_MIN_NANOERG);
  output.progress(`deploy: from ${signer.address} (${formatErg(nanoErgs)}) on ${request.network}`);
  let step = 0;
  return deployProtocol({
    chain,
    signer,
    network: request.network,
    settings: request.settings,
    outputPath: request.outputPath,
    afterSubmit: async (txId) => {
      const what = `deploy ${step + 1}/${STEPS.length} (${STEPS[step] ?? "transaction"})`;
      step++;
      output.progress(`${what}: submitted ${txId}`);
      await confirm(request, txId, what);
    },
  });
}

/** The JSON is written after four transactions: a folder it cannot be written to must fail before the first. */
function ensureWritableFolder(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new DeploymentPathError(path, error);
  }
}

async function confirm(request: DeployRequest, txId: string, what: string): Promise<void> {
  try {
    await waitForConfirmations(request.chain, txId, request.confirmations, {
      timeoutMs: request.confirmTimeoutMs,
      pollMs: 500,
      onProgress: (count, wanted) =>
        request.output.progress(`${what}: ${Math.min(count, wanted)}/${wanted} confirmations`),
    });
  } catch (error) {
    if (error instanceof Error && error.name === "ConfirmationTimeoutError") {
      throw new WaitTimeoutError(
        `${what}: transaction ${txId} was not confirmed in time; nothing was written to ${request.outputPath}. Once it confirms, the tokens minted so far stay in the wallet; run \`gpuc deploy\` again to deploy afresh`,
        { cause: error },
      );
    }
    throw error;
  }
}
