import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  buildSwapIn,
  GpucProtocolError,
  type LetsBoxes,
  letsConfig,
  swapInQuote,
  type WalletContext,
} from "@gpuc/offchain";
import { BridgeError } from "../errors/base.ts";
import { NotSwappableError } from "../errors/notSwappable.ts";
import type { TokenRegistry } from "../tokens/registry.ts";
import { swapEligibility } from "./eligibility.ts";

export interface BridgeSwapRequest {
  /** Ergo id or name of the bridged token. */
  readonly token: string;
  /** Units of the token to pay in. */
  readonly amount: bigint;
}

export interface BridgeSwap {
  readonly tokenId: string;
  readonly amount: bigint;
  /** GPUC units the swap pays (rate × amount less the swap fee, rounded down as the Bank does). */
  readonly gpuc: bigint;
  readonly rate: bigint;
  readonly unsignedTx: EIP12UnsignedTransaction;
}

/**
 * The swap of a bridged stable into GPUC through the Bank's swap path (`buildSwapIn`), refused with the reason
 * the token list shows when the map or the whitelist does not allow it.
 */
export function buildBridgeSwap(
  registry: TokenRegistry,
  boxes: LetsBoxes,
  request: BridgeSwapRequest,
  wallet: WalletContext,
): BridgeSwap {
  const token = registry.resolve(request.token);
  const config = letsConfig(boxes);
  const eligibility = swapEligibility(registry, config).find((entry) => entry.token === token)!;
  if (!eligibility.swappable) throw new NotSwappableError(token.tokenId, eligibility.reason!);
  try {
    const options = { ...boxes, tokenId: token.tokenId, amount: request.amount };
    const unsignedTx = buildSwapIn(options, wallet);
    const gpuc = swapInQuote(config, token.tokenId, request.amount);
    return { tokenId: token.tokenId, amount: request.amount, gpuc, rate: eligibility.rate!, unsignedTx };
  } catch (error) {
    throw protocolRefusal(error);
  }
}

/** A builder's typed input error (not enough of the token, a reserve run dry) as a 422 with its message. */
export function protocolRefusal(error: unknown): unknown {
  if (error instanceof GpucProtocolError) return new BridgeError(error.message, { cause: error.name });
  return error;
}
