import type { Gpuc } from "./context.ts";

export interface WalletBalance {
  readonly address: string;
  readonly nanoErgs: bigint;
  readonly gpuc: bigint;
  /** The Credit Account, when the wallet has one. */
  readonly credit: { readonly collateral: bigint; readonly debt: bigint; readonly boxId: string } | null;
}

/** The wallet's ERG, GPUC and credit line, from the chain (mempool included). */
export async function walletBalance(ctx: Gpuc): Promise<WalletBalance> {
  const [balance, account] = await Promise.all([
    ctx.chain.balance(ctx.wallet.address),
    ctx.chain.creditAccount(ctx.wallet.address),
  ]);
  return {
    ...balance,
    credit: account ? { collateral: account.collateral, debt: account.debt, boxId: account.box.boxId } : null,
  };
}
