import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import {
  ErgoBoxes,
  NetworkPrefix,
  SecretKey,
  SecretKeys,
  UnsignedTransaction,
  Wallet,
} from "ergo-lib-wasm-nodejs";
import type { Devnet, SignedTransactionInput } from "../devnet.ts";
import { toWireBox } from "../tx/json.ts";
import type { Box } from "../tx/types.ts";

/** Node-JSON signed transaction with string amounts (ergo-lib's EIP-12 form). */
export interface SignedTx extends SignedTransactionInput {
  readonly id: string;
  readonly outputs: readonly (SignedTransactionInput["outputs"][number] & { boxId: string; value: string })[];
}

/** A random key that builds (Fleet) and signs (ergo-lib, the devnet's state context) test transactions. */
export class TestWallet {
  readonly #wallet: Wallet;
  readonly address: string;

  constructor(readonly secret: SecretKey = SecretKey.random_dlog()) {
    const secrets = new SecretKeys();
    secrets.add(secret);
    this.#wallet = Wallet.from_secrets(secrets);
    this.address = secret.get_address().to_base58(NetworkPrefix.Testnet);
  }

  /** Signs an EIP-12 unsigned transaction as is (tampered ones too: ergo-lib signs, the devnet judges). */
  sign(unsigned: EIP12UnsignedTransaction, devnet: Devnet, dataInputs: readonly Box[] = []): SignedTx {
    const inputs = ErgoBoxes.from_boxes_json(unsigned.inputs.map(({ extension: _extension, ...box }) => box));
    const data = dataInputs.length ? ErgoBoxes.from_boxes_json(dataInputs.map(toWireBox)) : ErgoBoxes.empty();
    const signed = this.#wallet.sign_transaction(
      devnet.stateContext(),
      UnsignedTransaction.from_json(JSON.stringify(unsigned)),
      inputs,
      data,
    );
    return signed.to_js_eip12() as SignedTx;
  }

  /** An unsigned payment of `nanoErgs` from `inputs` to `to`, change back here. */
  payment(devnet: Devnet, inputs: readonly Box[], to: string, nanoErgs: bigint): EIP12UnsignedTransaction {
    return new TransactionBuilder(devnet.height)
      .from(inputs.map(toWireBox))
      .to(new OutputBuilder(nanoErgs, to))
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .sendChangeTo(this.address)
      .build()
      .toEIP12Object();
  }
}

/** A wallet funded by the faucet, mined. */
export async function fundedWallet(devnet: Devnet, nanoErgs = 10_000_000_000n): Promise<TestWallet> {
  const wallet = new TestWallet();
  await devnet.faucet(wallet.address, { nanoErgs });
  await devnet.mine();
  return wallet;
}
