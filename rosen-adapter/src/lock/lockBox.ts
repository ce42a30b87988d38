import { type FleetPlugin, OutputBuilder, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { SByte, SColl } from "@fleet-sdk/serializer";

/** What one lock box says to Rosen's watchers: R4 `[toChain, toAddress, networkFee, bridgeFee, fromAddress]`. */
export interface LockData {
  readonly toChain: string;
  readonly toAddress: string;
  /** Wrapped units of the locked token (Rosen's token map: the set's smallest decimals). */
  readonly networkFee: bigint;
  readonly bridgeFee: bigint;
  /** The Ergo address the transfer comes from (Rosen shows it; refunds are not sent there automatically). */
  readonly fromAddress: string;
}

export interface LockBoxRequest extends LockData {
  /** Rosen's lock address on this network (P2S of Lock.es with the deployment's GuardNFT). */
  readonly lockAddress: string;
  /** The token locked, in Ergo units; ERG itself is locked as the box value (`tokenId` = "erg"). */
  readonly tokenId: string;
  readonly amount: bigint;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** R4 of a lock box: the five strings as UTF-8 bytes, in Rosen's order (network fee before bridge fee). */
export function lockRegisterR4(data: LockData): string {
  const fields = [
    data.toChain,
    data.toAddress,
    data.networkFee.toString(),
    data.bridgeFee.toString(),
    data.fromAddress,
  ];
  return SColl(SColl(SByte), fields.map(utf8)).toHex();
}

/** The lock box itself: the locked token (or ERG as its value) at the lock address, with R4. */
export function lockOutput(request: LockBoxRequest, height: number): OutputBuilder {
  const erg = request.tokenId === "erg";
  const output = new OutputBuilder(erg ? request.amount : SAFE_MIN_BOX_VALUE, request.lockAddress, height);
  if (!erg) output.addTokens({ tokenId: request.tokenId, amount: request.amount });
  return output.setAdditionalRegisters({ R4: lockRegisterR4(request) });
}

/**
 * Adds a lock box to a transaction (after the outputs already there, so it composes with the Bank's swap out,
 * whose successor must stay OUTPUTS(0)).
 *
 * @example
 * new TransactionBuilder(height).from(inputs).extend(lockToChain(request, height)).sendChangeTo(me).payMinFee().build();
 */
export function lockToChain(request: LockBoxRequest, height: number): FleetPlugin {
  return ({ addOutputs }) => {
    addOutputs(lockOutput(request, height));
  };
}
