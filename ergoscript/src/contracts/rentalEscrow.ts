import { SByte, SColl } from "@fleet-sdk/serializer";
import { type CompiledContract, compileContract, type NetworkName, readContract } from "../compile.ts";
import type { DeploymentIds } from "../ids.ts";

/** The escrow's spend paths, as context variable 0 of the spending input selects them. */
export const EscrowAction = {
  claim: 0,
  extend: 1,
  cooperativeClose: 2,
  consumerExit: 3,
  arbiterResolve: 4,
  expiry: 5,
  /** The provider alone closes: at most the elapsed blocks pro rata, the rest refunded (docs/protocol.md). */
  providerClose: 6,
} as const;
export type EscrowAction = (typeof EscrowAction)[keyof typeof EscrowAction];

/** Context variable ids the escrow script reads from its own input. */
export const EscrowVar = {
  /** Byte: the spend path. */
  action: 0,
  /** Int: index of this escrow's first output. */
  outputIndex: 1,
  /** Long: hours (claim, extend) or the provider's gross share (cooperative close, arbiter resolve, provider close). */
  amount: 2,
} as const;

/** Compiles the Rental Escrow with the deployment's Config NFT and GPUC token ids. */
export function compileRentalEscrow(ids: DeploymentIds, network: NetworkName = "mainnet"): CompiledContract {
  return compileContract(
    readContract("rentalEscrow"),
    { configNftId: SColl(SByte, ids.configNftId), gpucTokenId: SColl(SByte, ids.gpucTokenId) },
    network,
  );
}
