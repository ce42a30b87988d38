import type { CompiledContract, NetworkName } from "./compile.ts";
import { compileBank } from "./contracts/bank.ts";
import { compileConfig } from "./contracts/config.ts";
import { compileCreditAccount } from "./contracts/creditAccount.ts";
import { compileProviderStake } from "./contracts/providerStake.ts";
import { compileRentalEscrow } from "./contracts/rentalEscrow.ts";
import type { DeploymentIds } from "./ids.ts";

export type { DeploymentIds } from "./ids.ts";

/** Every GPUC contract of a deployment. */
export interface DeploymentContracts {
  readonly config: CompiledContract;
  readonly bank: CompiledContract;
  readonly creditAccount: CompiledContract;
  readonly providerStake: CompiledContract;
  readonly rentalEscrow: CompiledContract;
}

/** A GPUC deployment: the minted ids and the contracts compiled with them. Services load it from JSON. */
export interface Deployment extends DeploymentIds {
  readonly network: NetworkName;
  readonly contracts: DeploymentContracts;
  /** ISO time the deployment was made (or compiled). */
  readonly createdAt: string;
  /** Chain height at which the Config and Bank boxes were created (0 when only compiled). */
  readonly createdAtHeight: number;
}

/**
 * Compiles every contract of a deployment from its ids.
 *
 * @example
 * const deployment = compileDeployment({ configNftId, bankNftId, gpucTokenId }, "testnet");
 */
export function compileDeployment(
  ids: DeploymentIds,
  network: NetworkName,
  createdAtHeight = 0,
  createdAt: string = new Date().toISOString(),
): Deployment {
  const contracts: DeploymentContracts = {
    config: compileConfig(ids, network),
    bank: compileBank(ids, network),
    creditAccount: compileCreditAccount(ids, network),
    providerStake: compileProviderStake(ids, network),
    rentalEscrow: compileRentalEscrow(ids, network),
  };
  return {
    network,
    configNftId: ids.configNftId,
    bankNftId: ids.bankNftId,
    gpucTokenId: ids.gpucTokenId,
    contracts,
    createdAt,
    createdAtHeight,
  };
}
