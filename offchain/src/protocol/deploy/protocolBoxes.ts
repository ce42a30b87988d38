import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import type { Deployment } from "@gpuc/ergoscript";
import { type ConfigSettings, encodeConfigRegisters } from "../config.ts";
import { translateFleetErrors } from "../fleet.ts";

export interface ProtocolBoxesRequest {
  /** Boxes holding the Config NFT, the Bank NFT and the GPUC supply, and ERG for the boxes and fee. */
  readonly inputs: readonly Box<Amount>[];
  readonly height: number;
  readonly changeAddress: string;
  readonly deployment: Deployment;
  readonly settings: ConfigSettings;
  readonly gpucSupply: bigint;
  /** ERG locked in each of the two boxes (default 0.01 ERG: well above their minimum value). */
  readonly boxValue?: bigint;
}

/** The transaction that creates the Config box (OUTPUTS(0)) and the Bank box (OUTPUTS(1)). */
export function buildProtocolBoxesTx(request: ProtocolBoxesRequest): EIP12UnsignedTransaction {
  const { deployment } = request;
  const value = request.boxValue ?? 10_000_000n;
  const config = new OutputBuilder(value, deployment.contracts.config.ergoTree)
    .addNfts(deployment.configNftId)
    .setAdditionalRegisters(encodeConfigRegisters(request.settings));
  const bank = new OutputBuilder(value, deployment.contracts.bank.ergoTree)
    .addNfts(deployment.bankNftId)
    .addTokens({ tokenId: deployment.gpucTokenId, amount: request.gpucSupply });
  return translateFleetErrors(() =>
    new TransactionBuilder(request.height)
      .from([...request.inputs])
      .to([config, bank])
      .sendChangeTo(request.changeAddress)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object(),
  );
}
