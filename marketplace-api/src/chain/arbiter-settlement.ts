import type { Deployment } from "@gpuc/ergoscript";
import { buildArbiterResolveTx, type ChainClient, type Signer } from "@gpuc/offchain";
import type { Settlement } from "./gateway.ts";

/** Thrown when a box the refund needs is not (or no longer) unspent on chain. */
export class SettlementBoxMissingError extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`No unspent ${what} ${id} on chain; it may be settled already — check the escrow before retrying`);
    this.name = new.target.name;
  }
}

/**
 * Refunds an escrow through the arbiter path (`arbiterResolve`, provider share 0), signed with the arbiter key
 * the Config box names in R8; the arbiter's own boxes pay the miner fee.
 */
export class ArbiterSettlement implements Settlement {
  constructor(
    private readonly chain: ChainClient,
    private readonly deployment: Deployment,
    private readonly arbiter: Signer,
  ) {}

  async refund(escrowBoxId: string): Promise<string> {
    const escrowBox = await this.chain.unspentBox(escrowBoxId);
    if (!escrowBox) throw new SettlementBoxMissingError("escrow box", escrowBoxId);
    const [configBox] = await this.chain.unspentByTokenId(this.deployment.configNftId);
    if (!configBox)
      throw new SettlementBoxMissingError("Config box holding NFT", this.deployment.configNftId);
    const tx = buildArbiterResolveTx({
      deployment: this.deployment,
      configBox,
      escrowBox,
      providerShare: 0n,
      height: await this.chain.height(),
      inputs: await this.chain.unspentByAddress(this.arbiter.address),
      changeAddress: this.arbiter.address,
    });
    return this.chain.submit(await this.arbiter.sign(tx, this.chain));
  }
}
