import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { SByte, SColl, SLong } from "@fleet-sdk/serializer";
import type { ChainClient } from "@gpuc/offchain";
import { HttpError } from "../core/errors.ts";
import { type NetworkName, sigmaPropHex } from "./address.ts";
import type { OpenEscrowRequest, RentalChain, SignedTx } from "./gateway.ts";

export interface EscrowDeployment {
  readonly gpucTokenId: string;
  readonly contracts: { readonly rentalEscrow: { readonly ergoTree: string } };
}

/**
 * Rentals over an Ergo node (or the devnet): the escrow opening is built from the consumer's unspent boxes
 * with the protocol's register layout (R4 consumer, R5 provider, R6 [price, startHeight, prepaidHours,
 * paidHours], R7 rental id) — the same layout as `@gpuc/offchain`'s `openEscrow`, which should replace this
 * builder once the package exports it.
 */
export class NodeRentalChain implements RentalChain {
  constructor(
    private readonly chain: Pick<ChainClient, "height" | "unspentByAddress" | "submit">,
    private readonly deployment: EscrowDeployment,
    private readonly network: NetworkName,
  ) {}

  async openEscrowTx(request: OpenEscrowRequest): Promise<EIP12UnsignedTransaction> {
    const height = await this.chain.height();
    const inputs = await this.chain.unspentByAddress(request.consumerAddress);
    const deposit = request.pricePerHour * BigInt(request.prepaidHours);
    const escrow = new OutputBuilder(SAFE_MIN_BOX_VALUE, this.deployment.contracts.rentalEscrow.ergoTree)
      .addTokens({ tokenId: this.deployment.gpucTokenId, amount: deposit })
      .setAdditionalRegisters({
        R4: sigmaPropHex(request.consumerAddress, this.network),
        R5: sigmaPropHex(request.providerAddress, this.network),
        R6: SColl(SLong, [request.pricePerHour, BigInt(height), BigInt(request.prepaidHours), 0n]).toHex(),
        R7: SColl(SByte, request.rentalId).toHex(),
      });
    try {
      return new TransactionBuilder(height)
        .from(inputs)
        .to(escrow)
        .sendChangeTo(request.consumerAddress)
        .payFee(RECOMMENDED_MIN_FEE_VALUE)
        .build()
        .toEIP12Object();
    } catch (error) {
      // The index said the wallet holds enough GPUC, but its spendable boxes (mempool applied) do not.
      throw new HttpError(
        402,
        `The wallet's unspent boxes cannot fund the escrow: ${(error as Error).message}`,
      );
    }
  }

  submit(tx: SignedTx): Promise<string> {
    return this.chain.submit(tx);
  }
}
