import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { compileDeployment, type Deployment, type NetworkName } from "@gpuc/ergoscript";
import { z } from "zod";
import type { ChainClient } from "../chain/chainClient.ts";
import type { Signer } from "../signing/signer.ts";
import type { ConfigSettings, ProtocolParams } from "./config.ts";
import { buildMintTx } from "./deploy/mint.ts";
import { buildProtocolBoxesTx } from "./deploy/protocolBoxes.ts";

/** The whole GPUC supply: 10^9 GPUC of 10^6 units each, minted once into the Bank. */
export const GPUC_SUPPLY = 1_000_000_000_000_000n;
export const GPUC_DECIMALS = 6;

/** Mainnet-like parameters (2-minute blocks); a devnet overrides `blocksPerHour` and the windows. */
export const DEFAULT_PARAMS: ProtocolParams = {
  feeBps: 200,
  blocksPerHour: 30,
  minStakePerGpu: 100_000_000_000n,
  unbondingBlocks: 720,
  collateralRatioPct: 150,
  liquidationRatioPct: 120,
  swapFeeBps: 30,
  disputeGraceBlocks: 720,
  liquidationPenaltyBps: 500,
};

export interface DeployOptions {
  readonly chain: ChainClient;
  /** Pays for everything; its address receives the minted tokens before they are locked. */
  readonly signer: Signer;
  readonly network: NetworkName;
  readonly settings: ConfigSettings;
  readonly gpucSupply?: bigint;
  /**
   * Called after each submitted transaction (devnet: mine a block; node: wait for a confirmation). Without it the
   * next transaction spends the previous one's outputs from the mempool.
   */
  readonly afterSubmit?: (txId: string) => Promise<void>;
  /** Also write the deployment JSON here. */
  readonly outputPath?: string;
}

/**
 * Deploys GPUC on a chain: mints the Config NFT, the Bank NFT and the GPUC supply, compiles the contracts with
 * their ids, and creates the Config box and the Bank box (holding the whole supply).
 *
 * @example
 * const deployment = await deployProtocol({ chain, signer, network: "testnet", settings, outputPath: "deployment.json" });
 */
export async function deployProtocol(options: DeployOptions): Promise<Deployment> {
  const { chain, signer } = options;
  const supply = options.gpucSupply ?? GPUC_SUPPLY;
  const send = async (tx: EIP12UnsignedTransaction) => {
    const txId = await chain.submit(await signer.sign(tx, chain));
    await options.afterSubmit?.(txId);
  };
  const mint = async (amount: bigint, name: string, description: string, decimals: number) => {
    const inputs = await chain.unspentByAddress(signer.address);
    const height = await chain.height();
    const base = { inputs, height, recipient: signer.address, changeAddress: signer.address };
    const { tokenId, tx } = buildMintTx({ ...base, amount, name, description, decimals });
    await send(tx);
    return tokenId;
  };
  const configNftId = await mint(1n, "GPUC Config", "GPUC protocol Config NFT", 0);
  const bankNftId = await mint(1n, "GPUC Bank", "GPUC protocol Bank NFT", 0);
  const gpucTokenId = await mint(supply, "GPUC", "GPUC: 1 GPUC = 1 USD of GPU time", GPUC_DECIMALS);
  const height = await chain.height();
  const deployment = compileDeployment({ configNftId, bankNftId, gpucTokenId }, options.network, height);
  const inputs = await chain.unspentByAddress(signer.address);
  const base = { inputs, height, changeAddress: signer.address, deployment };
  await send(buildProtocolBoxesTx({ ...base, settings: options.settings, gpucSupply: supply }));
  if (options.outputPath) writeDeployment(deployment, options.outputPath);
  return deployment;
}

const contract = z.object({ ergoTree: z.string(), address: z.string(), hash: z.string() });
const deploymentSchema = z.object({
  network: z.enum(["mainnet", "testnet", "devnet"]),
  configNftId: z.string().regex(/^[0-9a-f]{64}$/),
  bankNftId: z.string().regex(/^[0-9a-f]{64}$/),
  gpucTokenId: z.string().regex(/^[0-9a-f]{64}$/),
  contracts: z.object({
    config: contract,
    bank: contract,
    creditAccount: contract,
    providerStake: contract,
    rentalEscrow: contract,
  }),
  createdAt: z.string(),
  createdAtHeight: z.number().int().nonnegative(),
});

/** Writes a deployment as JSON (creating the folder). */
export function writeDeployment(deployment: Deployment, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
}

/** Reads and checks a deployment JSON file written by `writeDeployment`. */
export function readDeployment(path: string): Deployment {
  return deploymentSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}
