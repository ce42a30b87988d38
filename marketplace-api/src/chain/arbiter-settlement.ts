import type { Deployment } from "@gpuc/ergoscript";
import {
  buildArbiterResolveTx,
  type ChainClient,
  InvalidRentalArgumentError,
  type Signer,
} from "@gpuc/offchain";
import { crashPoint } from "@gpuc/platform";
import { HttpError } from "@gpuc/platform/http";
import type { Settlement, SettlementStatus } from "./gateway.ts";

/** Thrown when a box the settlement needs is not (or no longer) unspent on chain. */
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
 * Resolves escrows through the arbiter path (`arbiterResolve`), signed with the arbiter key the Config box names
 * in R8; the arbiter's own boxes pay the miner fee.
 *
 * @example
 * const settlement = new ArbiterSettlement(client, deployment, Signer.fromSecretHex(arbiterHex, "testnet"));
 * await settlement.resolve(escrowBoxId, 0n, (txId) => repo.setSettlementTx(id, txId)); // full refund
 */
export class ArbiterSettlement implements Settlement {
  constructor(
    private readonly chain: ChainClient,
    private readonly deployment: Deployment,
    private readonly arbiter: Signer,
  ) {}

  async resolve(
    escrowBoxId: string,
    providerShare: bigint,
    beforeSubmit: (txId: string) => Promise<void>,
  ): Promise<string> {
    const escrowBox = await this.chain.unspentBox(escrowBoxId);
    if (!escrowBox) throw new SettlementBoxMissingError("escrow box", escrowBoxId);
    const [configBox] = await this.chain.unspentByTokenId(this.deployment.configNftId);
    if (!configBox)
      throw new SettlementBoxMissingError("Config box holding NFT", this.deployment.configNftId);
    let tx: ReturnType<typeof buildArbiterResolveTx>;
    try {
      tx = buildArbiterResolveTx({
        deployment: this.deployment,
        configBox,
        escrowBox,
        providerShare,
        height: await this.chain.height(),
        inputs: await this.chain.unspentByAddress(this.arbiter.address),
        changeAddress: this.arbiter.address,
      });
    } catch (error) {
      if (error instanceof InvalidRentalArgumentError) throw new HttpError(400, error.message);
      throw error;
    }
    const signed = await this.arbiter.sign(tx, this.chain);
    await beforeSubmit(signed.id);
    crashPoint("marketplace.arbiter.signed");
    const txId = await this.chain.submit(signed);
    crashPoint("marketplace.arbiter.submitted");
    return txId;
  }

  async status(txId: string): Promise<SettlementStatus> {
    if (await this.chain.transaction(txId)) return "confirmed";
    if (await this.chain.unconfirmedTransaction(txId)) return "pending";
    return "unknown";
  }
}
