import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { ErgoUnsignedInput, type FleetPlugin } from "@fleet-sdk/core";
import { SInt } from "@fleet-sdk/serializer";
import { bankSuccessor, parseBankBox } from "../bank/bank.ts";
import { tokenAmount } from "../bank/tokens.ts";
import { type ProtocolConfig, stableToken } from "../config.ts";
import type { LetsBoxes } from "../credit/lets.ts";
import { letsConfig } from "../credit/lets.ts";
import { buildWithWallet, type WalletContext } from "../credit/wallet.ts";
import { BankBoxMismatchError } from "../errors/bankBoxMismatch.ts";
import { InsufficientReserveError } from "../errors/insufficientReserve.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { SwapTooSmallError } from "../errors/swapTooSmall.ts";
import { TokenNotWhitelistedError } from "../errors/tokenNotWhitelisted.ts";

const BPS = 10_000n;

export interface SwapOptions extends LetsBoxes {
  /** The whitelisted stable token (Config R6). */
  readonly tokenId: string;
  /** Swap in: stable-token units paid in. Swap out: GPUC units paid in. */
  readonly amount: bigint;
}

/** GPUC units a swap-in of `amount` stable units pays: amount × rate × (1 − swapFee), rounded down. */
export function swapInQuote(config: ProtocolConfig, tokenId: string, amount: bigint): bigint {
  const { token } = whitelisted(config, tokenId);
  return (amount * token.rate * (BPS - BigInt(config.swapFeeBps))) / BPS;
}

/** Stable-token units a swap-out of `amount` GPUC units pays: amount / rate × (1 − swapFee), rounded down. */
export function swapOutQuote(config: ProtocolConfig, tokenId: string, amount: bigint): bigint {
  const { token } = whitelisted(config, tokenId);
  return (amount * (BPS - BigInt(config.swapFeeBps))) / (token.rate * BPS);
}

/**
 * Swap in: pay `amount` of a whitelisted stable token into the Bank reserve, receive GPUC (as change).
 *
 * @example
 * buildSwapIn({ deployment, configBox, bankBox, tokenId: sigUsdId, amount: 1_000n }, { inputs, changeAddress, height });
 */
export function swapIn(options: SwapOptions): FleetPlugin {
  const config = letsConfig(options);
  if (options.amount <= 0n)
    throw new InvalidAmountError("The stable amount to swap in", options.amount, "positive");
  const gpuc = swapInQuote(config, options.tokenId, options.amount);
  if (gpuc <= 0n) throw new SwapTooSmallError(options.amount);
  return swapPlugin(options, config, {
    [options.deployment.gpucTokenId]: -gpuc,
    [options.tokenId]: options.amount,
  });
}

/** Swap out: pay `amount` GPUC units into the Bank, receive the stable token from the reserve (as change). */
export function swapOut(options: SwapOptions): FleetPlugin {
  const config = letsConfig(options);
  if (options.amount <= 0n)
    throw new InvalidAmountError("The GPUC amount to swap out", options.amount, "positive");
  const stable = swapOutQuote(config, options.tokenId, options.amount);
  if (stable <= 0n) throw new SwapTooSmallError(options.amount);
  return swapPlugin(options, config, {
    [options.deployment.gpucTokenId]: options.amount,
    [options.tokenId]: -stable,
  });
}

export function buildSwapIn(options: SwapOptions, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(swapIn(options), wallet);
}

export function buildSwapOut(options: SwapOptions, wallet: WalletContext): EIP12UnsignedTransaction {
  return buildWithWallet(swapOut(options), wallet);
}

function swapPlugin(
  options: SwapOptions,
  config: ProtocolConfig,
  deltas: Record<string, bigint>,
): FleetPlugin {
  if (!options.bankBox) throw new BankBoxMismatchError("(none given)");
  const bank = parseBankBox(options.bankBox, options.deployment);
  for (const [tokenId, delta] of Object.entries(deltas)) {
    const available = tokenAmount(bank.box, tokenId);
    if (available + delta < 0n) throw new InsufficientReserveError(tokenId, available, -delta);
  }
  // The Bank script reads which whitelist entry is swapped from context variable 0.
  const { index } = whitelisted(config, options.tokenId);
  const bankInput = new ErgoUnsignedInput(bank.box).setContextExtension({ 0: SInt(index) });
  return ({ addInputs, addDataInputs, addOutputs }) => {
    addInputs(bankInput);
    addOutputs(bankSuccessor(bank.box, deltas), { index: 0 });
    addDataInputs(options.configBox);
  };
}

function whitelisted(config: ProtocolConfig, tokenId: string) {
  const entry = stableToken(config, tokenId);
  if (!entry) throw new TokenNotWhitelistedError(tokenId);
  return entry;
}
