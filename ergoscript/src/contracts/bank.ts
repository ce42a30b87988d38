import { SByte, SColl } from "@fleet-sdk/serializer";
import { type CompiledContract, compileContract, type NetworkName, readContract } from "../compile.ts";
import type { DeploymentIds } from "../ids.ts";
import { compileCreditAccount } from "./creditAccount.ts";

/** Compiles the Bank contract; it pins the Credit Account script by hash, so that is compiled first. */
export function compileBank(ids: DeploymentIds, network: NetworkName = "mainnet"): CompiledContract {
  const credit = compileCreditAccount(ids, network);
  return compileContract(
    readContract("bank"),
    {
      configNftId: SColl(SByte, ids.configNftId),
      gpucTokenId: SColl(SByte, ids.gpucTokenId),
      creditScriptHash: SColl(SByte, credit.hash),
    },
    network,
  );
}
