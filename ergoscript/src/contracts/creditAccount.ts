import { SByte, SColl } from "@fleet-sdk/serializer";
import { type CompiledContract, compileContract, type NetworkName, readContract } from "../compile.ts";
import type { DeploymentIds } from "../ids.ts";

/** Compiles the Credit Account (LETS credit line) contract for a deployment. */
export function compileCreditAccount(ids: DeploymentIds, network: NetworkName = "mainnet"): CompiledContract {
  return compileContract(
    readContract("creditAccount"),
    { configNftId: SColl(SByte, ids.configNftId), bankNftId: SColl(SByte, ids.bankNftId) },
    network,
  );
}
