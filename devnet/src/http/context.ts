import type { NetworkName } from "../chain/address.ts";
import type { Chain, MinedBlock, RollbackOptions, RollbackResult } from "../chain/chain.ts";
import type { FaucetRequest, FaucetResult } from "../faucet.ts";

/** What the HTTP routes need from a running devnet. */
export interface HttpContext {
  readonly chain: Chain;
  readonly network: NetworkName;
  readonly launchTime: number;
  readonly isMining: boolean;
  genesisBlockId(): Promise<string>;
  faucet(address: string, request: FaucetRequest): Promise<FaucetResult>;
  mine(): Promise<MinedBlock>;
  rollback(blocks: number, options?: RollbackOptions): Promise<RollbackResult>;
}
