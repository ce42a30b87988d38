import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { Deployment } from "@gpuc/ergoscript";
import { buildOpenEscrowTx, type ChainClient, GpucProtocolError } from "@gpuc/offchain";
import { HttpError } from "../core/errors.ts";
import type { OpenEscrowRequest, RentalChain, SignedTx } from "./gateway.ts";

/**
 * Rentals over an Ergo node (or the devnet): the escrow opening is `@gpuc/offchain`'s `buildOpenEscrowTx`, paid
 * from the consumer's unspent boxes (mempool applied) and starting the billing clock at the current height.
 */
export class NodeRentalChain implements RentalChain {
  constructor(
    private readonly chain: Pick<ChainClient, "height" | "unspentByAddress" | "submit">,
    private readonly deployment: Deployment,
  ) {}

  async openEscrowTx(request: OpenEscrowRequest): Promise<EIP12UnsignedTransaction> {
    const height = await this.chain.height();
    const inputs = await this.chain.unspentByAddress(request.consumerAddress);
    try {
      return buildOpenEscrowTx({
        deployment: this.deployment,
        consumer: request.consumerAddress,
        provider: request.providerAddress,
        pricePerHour: request.pricePerHour,
        prepaidHours: request.prepaidHours,
        startHeight: height,
        rentalId: request.rentalId,
        inputs,
        changeAddress: request.consumerAddress,
        height,
      });
    } catch (error) {
      // The index said the wallet holds enough GPUC, but its spendable boxes (mempool applied) do not.
      if (error instanceof GpucProtocolError || (error as Error).name.includes("Insufficient")) {
        throw new HttpError(
          402,
          `The wallet's unspent boxes cannot fund the escrow: ${(error as Error).message}`,
        );
      }
      throw error;
    }
  }

  submit(tx: SignedTx): Promise<string> {
    return this.chain.submit(tx);
  }
}
