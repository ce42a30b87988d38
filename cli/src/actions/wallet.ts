import { formatAmount, ProblemError } from "@gpuc/sdk";
import type { Gpuc } from "./context.ts";

/** A bridged token the wallet holds, named from Rosen's token map. */
export interface BridgedHolding {
  readonly name: string;
  readonly tokenId: string;
  /** In the token's decimals, e.g. "50.5". */
  readonly amount: string;
}

export interface WalletBalance {
  readonly address: string;
  readonly nanoErgs: bigint;
  readonly gpuc: bigint;
  /** The Credit Account, when the wallet has one. */
  readonly credit: { readonly collateral: bigint; readonly debt: bigint; readonly boxId: string } | null;
  /** Bridged tokens (and SigUSD) the marketplace's token map knows, by name; empty without the bridge. */
  readonly bridged: readonly BridgedHolding[];
}

/** The wallet's ERG, GPUC, credit line and bridged tokens, from the chain (mempool included). */
export async function walletBalance(ctx: Gpuc): Promise<WalletBalance> {
  const [balance, account, bridged] = await Promise.all([
    ctx.chain.balance(ctx.wallet.address),
    ctx.chain.creditAccount(ctx.wallet.address),
    bridgedHoldings(ctx),
  ]);
  return {
    ...balance,
    credit: account ? { collateral: account.collateral, debt: account.debt, boxId: account.box.boxId } : null,
    bridged,
  };
}

/** The wallet's tokens that the marketplace's Rosen token map names; none when the marketplace runs no bridge. */
async function bridgedHoldings(ctx: Gpuc): Promise<BridgedHolding[]> {
  const map = await ctx.market.bridgeTokens().catch((error: unknown) => {
    if (error instanceof ProblemError && error.status === 404) return undefined;
    throw error;
  });
  if (!map) return [];
  const held = new Map<string, bigint>();
  for (const box of await ctx.chain.client.unspentByAddress(ctx.wallet.address))
    for (const asset of box.assets)
      held.set(asset.tokenId, (held.get(asset.tokenId) ?? 0n) + BigInt(asset.amount));
  return map.tokens.flatMap((token) => {
    const units = held.get(token.tokenId);
    return units
      ? [{ name: token.name, tokenId: token.tokenId, amount: formatAmount(units, token.decimals) }]
      : [];
  });
}
