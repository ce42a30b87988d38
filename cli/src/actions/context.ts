import type { ChainContext } from "../core/chain.ts";
import type { Marketplace } from "../core/market.ts";
import type { Output } from "../core/output.ts";
import type { Wallet } from "../core/wallet-file.ts";

/** Everything an action needs: whose wallet, which chain and deployment, which marketplace, where to report. */
export interface Gpuc {
  readonly wallet: Wallet;
  readonly chain: ChainContext;
  readonly market: Marketplace;
  readonly output: Output;
}
