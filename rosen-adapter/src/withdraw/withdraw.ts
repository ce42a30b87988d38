import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { FleetPlugin } from "@fleet-sdk/core";
import {
  buildWithWallet,
  type LetsBoxes,
  letsConfig,
  swapOut,
  swapOutQuote,
  type WalletContext,
} from "@gpuc/offchain";
import { NotSwappableError } from "../errors/notSwappable.ts";
import { settleFees, type TransferFees } from "../fees/fees.ts";
import type { MinFeeSource } from "../fees/minFee.ts";
import { checkDestination } from "../lock/destination.ts";
import { lockToChain } from "../lock/lockBox.ts";
import { swapEligibility } from "../swap/eligibility.ts";
import { protocolRefusal } from "../swap/swapIn.ts";
import type { BridgedToken, TokenRegistry } from "../tokens/registry.ts";

export interface WithdrawRequest {
  /** GPUC units to turn into the stable. */
  readonly gpuc: bigint;
  /** The whitelisted stable to swap out and lock (Ergo id or name). */
  readonly token: string;
  readonly toChain: string;
  readonly toAddress: string;
  /** Fees to offer, wrapped units (default: the min-fee box's minimum for this amount). */
  readonly fees?: Partial<TransferFees>;
}

/** What a withdrawal does, before anything is signed. Token amounts are Ergo units unless named wrapped. */
export interface WithdrawQuote {
  readonly token: BridgedToken;
  readonly gpuc: bigint;
  /** Stable units the Bank pays for `gpuc` (rate, swap fee). */
  readonly swappedOut: bigint;
  /** Stable units in the lock box: `swappedOut` down to a whole wrapped unit (the rest stays as change). */
  readonly locked: bigint;
  readonly wrapped: bigint;
  readonly fees: TransferFees;
  /** Wrapped units that arrive: locked − bridge fee − network fee. */
  readonly arrivesWrapped: bigint;
  readonly toChain: string;
  readonly toAddress: string;
  /** The token and amount on the destination chain, in its own decimals. */
  readonly target: { readonly tokenId: string; readonly name: string; readonly decimals: number };
  readonly arrives: bigint;
  readonly minFeeBoxId: string;
}

export interface WithdrawContext {
  readonly registry: TokenRegistry;
  readonly minFees: MinFeeSource;
  readonly boxes: LetsBoxes;
}

/**
 * Quotes a withdrawal: `gpuc` swapped out of the Bank for a whitelisted stable of the map, all of it (to a
 * whole wrapped unit) locked to `toChain`. Refuses an unknown chain, an address Rosen would not pay, fees under
 * the min-fee box's and an amount under the minimum transfer, in the token's units.
 */
export async function quoteWithdraw(
  context: WithdrawContext,
  request: WithdrawRequest,
): Promise<WithdrawQuote> {
  const { registry } = context;
  const token = registry.resolve(request.token);
  const target = registry.onChain(token, request.toChain);
  const toAddress = await checkDestination(request.toChain, request.toAddress, token.chains);
  const config = letsConfig(context.boxes);
  const eligibility = swapEligibility(registry, config).find((entry) => entry.token === token)!;
  if (!eligibility.swappable) throw new NotSwappableError(token.tokenId, eligibility.reason!);
  const swappedOut = refusing(() => swapOutQuote(config, token.tokenId, request.gpuc));
  // Lock whole wrapped units only (Rosen's wrapAmount rounds a fraction up): the rest stays in the change.
  const unit = registry.unwrap(token, 1n);
  const locked = (swappedOut / unit) * unit;
  const lockedWrapped = locked / unit;
  const route = await context.minFees.minFees(token, request.toChain);
  const fees = settleFees(token, route, lockedWrapped, request.fees);
  const arrivesWrapped = lockedWrapped - fees.bridgeFee - fees.networkFee;
  const arrives = registry.rosen.unwrapAmount(token.tokenId, arrivesWrapped, request.toChain).amount;
  return {
    token,
    gpuc: request.gpuc,
    swappedOut,
    locked,
    wrapped: lockedWrapped,
    fees,
    arrivesWrapped,
    toChain: request.toChain,
    toAddress,
    target: { tokenId: target.tokenId, name: target.name, decimals: target.decimals },
    arrives,
    minFeeBoxId: route.boxId,
  };
}

/**
 * The withdrawal as one transaction: the Bank's swap out (Bank at INPUTS(0)/OUTPUTS(0)) and the lock box
 * holding the stable, with R4 `[toChain, toAddress, networkFee, bridgeFee, fromAddress]`. The wallet pays the
 * GPUC and the miner fee; `fromAddress` is its change address.
 */
export function buildWithdraw(
  quote: WithdrawQuote,
  boxes: LetsBoxes,
  lockAddress: string,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  const swap = swapOut({ ...boxes, tokenId: quote.token.tokenId, amount: quote.gpuc });
  const lock = lockToChain(
    {
      lockAddress,
      tokenId: quote.token.tokenId,
      amount: quote.locked,
      toChain: quote.toChain,
      toAddress: quote.toAddress,
      networkFee: quote.fees.networkFee,
      bridgeFee: quote.fees.bridgeFee,
      fromAddress: wallet.changeAddress,
    },
    wallet.height,
  );
  const both: FleetPlugin = (context) => {
    swap(context);
    lock(context);
  };
  return refusing(() => buildWithWallet(both, wallet));
}

function refusing<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw protocolRefusal(error);
  }
}
