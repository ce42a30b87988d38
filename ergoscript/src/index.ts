// The public surface of @gpuc/ergoscript: contract compilation and the deployment shape.
export {
  type CompiledContract,
  type ConstantValue,
  compileContract,
  compileSource,
  type NetworkName,
  readContract,
  toFleetNetwork,
} from "./compile.ts";
export { compileBank } from "./contracts/bank.ts";
export { CONFIG_PARAM_COUNT, compileConfig } from "./contracts/config.ts";
export { compileCreditAccount } from "./contracts/creditAccount.ts";
export {
  compileProviderStake,
  STAKE_HEIGHT_SLACK,
  StakeAction,
  StakeVar,
} from "./contracts/providerStake.ts";
export { compileRentalEscrow, EscrowAction, EscrowVar } from "./contracts/rentalEscrow.ts";
export {
  compileDeployment,
  type Deployment,
  type DeploymentContracts,
  type DeploymentIds,
} from "./deployment.ts";
