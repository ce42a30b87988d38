import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { type FleetPlugin, OutputBuilder } from "@fleet-sdk/core";
import { SLong } from "@fleet-sdk/serializer";
import type { DeploymentIds } from "@gpuc/ergoscript";
import { type ConfigSettings, encodeConfigRegisters, parseConfigBox } from "../config.ts";
import { buildWithWallet, type WalletContext } from "../credit/wallet.ts";
import { ArbiterPriceOnlyError } from "../errors/arbiterPriceOnly.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";

export interface ConfigUpdateOptions {
  readonly deployment: DeploymentIds;
  readonly configBox: Box<Amount>;
  /** Who signs: the admin may change anything, the arbiter (oracle) the price only. */
  readonly role: "admin" | "arbiter";
  readonly changes: Partial<ConfigSettings>;
}

/**
 * Updates the Config box: spends it and recreates it (OUTPUTS(0), same script, NFT and value) with the changes.
 *
 * @example
 * buildConfigUpdate({ deployment, configBox, role: "arbiter", changes: { price: 1_100_000_000n } }, oracleWallet);
 */
export function updateConfig(options: ConfigUpdateOptions): FleetPlugin {
  const current = parseConfigBox(options.configBox, options.deployment.configNftId);
  const changed = Object.keys(options.changes).filter((key) => key !== "price");
  if (options.role === "arbiter" && changed.length > 0) throw new ArbiterPriceOnlyError(changed);
  const next: ConfigSettings = { ...current, ...options.changes };
  if (next.price <= 0n) throw new InvalidAmountError("The price", next.price, "positive");
  // The arbiter's update keeps every other register byte for byte, as the contract compares them.
  const registers =
    options.role === "arbiter"
      ? { ...options.configBox.additionalRegisters, R5: SLong(next.price).toHex() }
      : encodeConfigRegisters(next);
  return ({ addInputs, addOutputs }) => {
    addInputs(options.configBox);
    const box = options.configBox;
    const successor = new OutputBuilder(BigInt(box.value), box.ergoTree)
      .addTokens(box.assets)
      .setAdditionalRegisters(registers);
    addOutputs(successor, { index: 0 });
  };
}

export function buildConfigUpdate(
  options: ConfigUpdateOptions,
  wallet: WalletContext,
): EIP12UnsignedTransaction {
  return buildWithWallet(updateConfig(options), wallet);
}
