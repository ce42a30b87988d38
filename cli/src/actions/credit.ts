import { buildDraw, buildOpenCreditAccount, buildRepay, type CreditAccount } from "@gpuc/offchain";
import { formatErg, formatGpuc } from "@gpuc/sdk";
import { NotFoundOnChainError } from "../core/errors.ts";
import type { Gpuc } from "./context.ts";

export interface CreditResult {
  readonly txId: string;
  readonly collateral: bigint;
  readonly debt: bigint;
}

/** Opens a Credit Account with `collateral` nanoERG (no debt yet); waits for the confirmation. */
export async function openCredit(ctx: Gpuc, collateral: bigint): Promise<CreditResult> {
  const { chain, wallet } = ctx;
  ctx.output.progress(`Opening a credit account with ${formatErg(collateral)} of collateral`);
  const tx = buildOpenCreditAccount(
    { deployment: chain.deployment, owner: wallet.address, collateral },
    await chain.wallet(wallet.address),
  );
  const txId = await chain.submit(wallet.signer, tx, "open credit account");
  return { txId, collateral, debt: 0n };
}

/** Draws `units` GPUC of credit against the account's collateral. */
export async function drawCredit(ctx: Gpuc, units: bigint): Promise<CreditResult> {
  const account = await requireAccount(ctx);
  ctx.output.progress(
    `Drawing ${formatGpuc(units)} (debt ${formatGpuc(account.debt)} → ${formatGpuc(account.debt + units)})`,
  );
  const tx = buildDraw(await accountAction(ctx, account, units), await ctx.chain.wallet(ctx.wallet.address));
  const txId = await ctx.chain.submit(ctx.wallet.signer, tx, "draw");
  return { txId, collateral: account.collateral, debt: account.debt + units };
}

/** Repays `units` GPUC of the account's debt from the wallet. */
export async function repayCredit(ctx: Gpuc, units: bigint): Promise<CreditResult> {
  const account = await requireAccount(ctx);
  ctx.output.progress(`Repaying ${formatGpuc(units)} of ${formatGpuc(account.debt)} debt`);
  const tx = buildRepay(await accountAction(ctx, account, units), await ctx.chain.wallet(ctx.wallet.address));
  const txId = await ctx.chain.submit(ctx.wallet.signer, tx, "repay");
  return { txId, collateral: account.collateral, debt: account.debt - units };
}

async function requireAccount(ctx: Gpuc): Promise<CreditAccount> {
  const account = await ctx.chain.creditAccount(ctx.wallet.address);
  if (!account) {
    throw new NotFoundOnChainError(
      `${ctx.wallet.address} has no credit account; open one with \`gpuc credit open --collateral <ERG>\``,
    );
  }
  return account;
}

async function accountAction(ctx: Gpuc, account: CreditAccount, amount: bigint) {
  const [configBox, bankBox] = await Promise.all([ctx.chain.configBox(), ctx.chain.bankBox()]);
  return { deployment: ctx.chain.deployment, configBox, bankBox, account: account.box, amount };
}
