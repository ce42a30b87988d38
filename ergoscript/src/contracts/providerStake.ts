import { SByte, SColl, SInt } from "@fleet-sdk/serializer";
import { type CompiledContract, compileContract, type NetworkName, readContract } from "../compile.ts";
import type { DeploymentIds } from "../ids.ts";

/** The stake's spend paths, as context variable 0 of the spending input selects them. */
export const StakeAction = { update: 0, withdraw: 1, slash: 2 } as const;
export type StakeAction = (typeof StakeAction)[keyof typeof StakeAction];

/** Context variable ids the stake script reads from its own input. */
export const StakeVar = {
  /** Byte: the spend path. */
  action: 0,
  /** Long: the slashed amount in nanoERG. */
  slashAmount: 1,
} as const;

/**
 * How many blocks before the including block an unbonding start height may be: lets an unbonding transaction
 * wait in the mempool this long, and shortens unbonding by at most as much.
 */
export const STAKE_HEIGHT_SLACK = 10;

/** Compiles the Provider Stake with the deployment's Config NFT id. */
export function compileProviderStake(ids: DeploymentIds, network: NetworkName = "mainnet"): CompiledContract {
  return compileContract(
    readContract("providerStake"),
    { configNftId: SColl(SByte, ids.configNftId), heightSlack: SInt(STAKE_HEIGHT_SLACK) },
    network,
  );
}
