import { SInt } from "@fleet-sdk/serializer";
import { type CompiledContract, compileContract, type NetworkName, readContract } from "../compile.ts";
import type { DeploymentIds } from "../ids.ts";

/** How many Config R4 parameters every reader may rely on (see `CONFIG_PARAM` in @gpuc/offchain). */
export const CONFIG_PARAM_COUNT = 9;

/** Compiles the Config contract. It pins no id: the Config NFT it carries is what readers look for. */
export function compileConfig(_ids: DeploymentIds, network: NetworkName = "mainnet"): CompiledContract {
  return compileContract(readContract("config"), { minParams: SInt(CONFIG_PARAM_COUNT) }, network);
}
