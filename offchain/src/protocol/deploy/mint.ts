import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { translateFleetErrors } from "../fleet.ts";

/** An EIP-4 token to mint: all of it goes to `recipient`. */
export interface MintRequest {
  readonly inputs: readonly Box<Amount>[];
  readonly height: number;
  readonly recipient: string;
  readonly changeAddress: string;
  readonly amount: bigint;
  readonly name: string;
  readonly description: string;
  readonly decimals: number;
}

/**
 * One mint transaction (Ergo mints one token per transaction; its id is the first input's box id).
 *
 * @example
 * const { tokenId, tx } = buildMintTx({ inputs, height, recipient: me, changeAddress: me, amount: 1n, name: "GPUC Bank", … });
 */
export function buildMintTx(request: MintRequest): { tokenId: string; tx: EIP12UnsignedTransaction } {
  const unsigned = translateFleetErrors(() =>
    new TransactionBuilder(request.height)
      .from([...request.inputs])
      .to(
        new OutputBuilder(SAFE_MIN_BOX_VALUE, request.recipient).mintToken({
          amount: request.amount,
          name: request.name,
          description: request.description,
          decimals: request.decimals,
        }),
      )
      .sendChangeTo(request.changeAddress)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build(),
  );
  return { tokenId: unsigned.inputs[0]!.boxId, tx: unsigned.toEIP12Object() };
}
