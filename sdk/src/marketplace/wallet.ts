import * as z from "zod";
import { signedTxSchema, unsignedTxSchema } from "./transactions.ts";

const units = (what: string) => z.string().regex(/^\d+$/).describe(what);
const id32 = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be a 32-byte hex id");
const positive = (what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "must be a positive whole number of base units, as a string")
    .transform(BigInt)
    .describe(what);

/** A Credit Account's health at the Config's price and ratios: what the wallet page shows before signing. */
export const creditHealthSchema = z.object({
  collateral: units("nanoERG locked as collateral"),
  debt: units("GPUC units drawn and not repaid"),
  ratioPct: z
    .string()
    .nullable()
    .describe('Collateral value over debt, percent with two decimals (e.g. "250.5"); null without debt'),
  liquidationPrice: units(
    "The GPUC price (nanoERG per GPUC) above which anyone may liquidate the account; null without debt",
  ).nullable(),
  maxDrawable: units("GPUC units that may still be drawn at the collateral ratio"),
  withdrawable: units("nanoERG of collateral that may be withdrawn at the collateral ratio"),
  liquidatable: z.boolean(),
});

/** `GET /api/v1/wallet/credit`: the signed-in address's Credit Account, as confirmed on chain. */
export const creditAccountSchema = creditHealthSchema.extend({
  address: z.string(),
  boxId: id32,
  price: units("nanoERG per GPUC (the Config's price)"),
  collateralRatioPct: z.number().int(),
  liquidationRatioPct: z.number().int(),
});

/** The amount of a credit action: nanoERG for open and collateral add/withdraw, GPUC units for draw and repay. */
export const creditAmountRequest = z.object({
  amount: positive("nanoERG (open, collateral/add, collateral/withdraw) or GPUC units (draw, repay)"),
});

/** A credit action to sign: the unsigned transaction and the account as it will be once it confirms. */
export const creditTxSchema = z.object({
  unsignedTx: unsignedTxSchema.describe(
    "EIP-12 unsigned transaction; sign with the wallet, then POST /api/v1/transactions",
  ),
  preview: creditHealthSchema,
});

/** `GET /api/v1/wallet/swap`: the stable tokens the Bank swaps into GPUC. */
export const swapTokensSchema = z.object({
  feeBps: z.number().int().describe("Swap fee, basis points"),
  tokens: z.array(z.object({ tokenId: id32, rate: units("GPUC units per token unit") })),
});

export const swapRequest = z.object({
  tokenId: id32.describe("A whitelisted stable token (GET /api/v1/wallet/swap)"),
  amount: positive("Token units paid into the Bank"),
});

export const swapTxSchema = z.object({
  unsignedTx: unsignedTxSchema.describe(
    "EIP-12 unsigned Bank swap-in; sign with the wallet, then POST /api/v1/transactions",
  ),
  preview: z.object({
    tokenId: id32,
    paid: units("Token units paid in"),
    gpuc: units("GPUC units received (after the swap fee)"),
  }),
});

export const submitTxRequest = z.object({
  signedTx: signedTxSchema.describe("A wallet-signed transaction (EIP-12 sign_tx result)"),
});

export const submittedTxSchema = z.object({ txId: id32 });

export type CreditHealth = z.output<typeof creditHealthSchema>;
export type CreditAccountView = z.output<typeof creditAccountSchema>;
export type CreditTx = z.output<typeof creditTxSchema>;
export type SwapTokens = z.output<typeof swapTokensSchema>;
export type SwapTx = z.output<typeof swapTxSchema>;
export type SwapRequest = z.input<typeof swapRequest>;
