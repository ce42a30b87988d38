import type { MarketplaceClient } from "@gpuc/sdk";
import type { ChainContext } from "../core/chain.ts";
import type { Output } from "../core/output.ts";
import type { Wallet } from "../core/wallet-file.ts";

/** Everything an action needs: whose wallet, which chain and deployment, which marketplace, where to report. */
export interface Gpuc {
  readonly wallet: Wallet;
  readonly chain: ChainContext;
  readonly market: MarketplaceClient;
  readonly output: Output;
}
