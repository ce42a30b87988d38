import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { Deployment } from "@gpuc/ergoscript";
import { buildExtendTx, buildOpenEscrowTx, type ChainClient, GpucProtocolError } from "@gpuc/offchain";
import { HttpError } from "@gpuc/platform/http";
import type { ExtendEscrowRequest, OpenEscrowRequest, RentalChain, SignedTx } from "./gateway.ts";

type RentalChainClient = Pick<
  ChainClient,
  "height" | "unspentByAddress" | "unspentBox" | "unspentByTokenId" | "submit"
>;

/**
 * Rentals over an Ergo node (or the devnet): the escrow opening is `@gpuc/offchain`'s `buildOpenEscrowTx`, paid
 * from the consumer's unspent boxes (mempool applied) and starting the billing clock at the current height; a
 * top-up is its `buildExtendTx` over the escrow and Config boxes on chain.
 */
export class NodeRentalChain implements RentalChain {
  constructor(
    private readonly chain: RentalChainClient,
    private readonly deployment: Deployment,
  ) {}

  async openEscrowTx(request: OpenEscrowRequest): Promise<EIP12UnsignedTransaction> {
    const height = await this.chain.height();
    const inputs = await this.chain.unspentByAddress(request.consumerAddress);
    return fundedBy("open the escrow", () =>
      buildOpenEscrowTx({
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
      }),
    );
  }

  async extendEscrowTx(request: ExtendEscrowRequest): Promise<EIP12UnsignedTransaction> {
    const escrowBox = await this.chain.unspentBox(request.escrowBoxId);
    if (!escrowBox) {
      throw new HttpError(
        409,
        `The escrow box ${request.escrowBoxId} is being spent (a claim or close is pending); retry after the next block`,
      );
    }
    const [configBox] = await this.chain.unspentByTokenId(this.deployment.configNftId);
    if (!configBox)
      throw new HttpError(503, "The GPUC Config box is not on chain; check GPUC_DEPLOYMENT_FILE");
    const height = await this.chain.height();
    const inputs = await this.chain.unspentByAddress(request.consumerAddress);
    return fundedBy("top up the escrow", () =>
      buildExtendTx({
        deployment: this.deployment,
        configBox,
        escrowBox,
        consumer: request.consumerAddress,
        hours: request.hours,
        height,
        inputs,
        changeAddress: request.consumerAddress,
      }),
    );
  }

  submit(tx: SignedTx): Promise<string> {
    return this.chain.submit(tx);
  }
}

/**
 * Runs a builder; a wallet that cannot pay becomes a 402 the consumer can act on. The index said the wallet holds
 * enough GPUC, but its spendable boxes (mempool applied) may not. Offchain says so with its typed errors, all
 * `GpucProtocolError`s: `InsufficientGpucError` (GPUC short) or `InsufficientFundsError` (ERG or tokens short,
 * Fleet's `InsufficientInputs` translated by class in offchain), never a Fleet error to match by name.
 */
function fundedBy<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof GpucProtocolError) {
      throw new HttpError(402, `The wallet's unspent boxes cannot ${what}: ${error.message}`);
    }
    throw error;
  }
}
