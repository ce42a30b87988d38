import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { ErgoBoxes, SecretKeys, UnsignedTransaction, Wallet } from "ergo-lib-wasm-nodejs";
import { ergoTreeOfAddress } from "./chain/address.ts";
import type { Chain } from "./chain/chain.ts";
import { faucetAddress, faucetSecretKey } from "./chain/genesis.ts";
import { unspentBoxes } from "./chain/queries.ts";
import { DevnetBadRequestError } from "./errors/index.ts";
import { toWireBox } from "./tx/json.ts";
import { fromWasmTransaction, type ParsedTransaction } from "./tx/parse.ts";

export interface FaucetToken {
  readonly amount: bigint;
  readonly name?: string;
  readonly decimals?: number;
  readonly description?: string;
}

export interface FaucetRequest {
  readonly nanoErgs: bigint;
  /** Each token is minted (EIP-4 registers) in its own transaction: Ergo mints one new token id per transaction. */
  readonly tokens?: readonly FaucetToken[];
}

export interface FaucetResult {
  /** The first transaction (the ERG payment, with the first token). */
  readonly txId: string;
  /** Every faucet transaction, chained in the mempool, in order. */
  readonly txIds: string[];
  /** Minted token ids, in the order asked for (each is the id of its transaction's first input). */
  readonly tokenIds: string[];
}

interface Payment {
  readonly nanoErgs: bigint;
  readonly token?: FaucetToken;
}

/**
 * Pays `nanoErgs` (and freshly minted tokens) to an address from the faucet box, as real signed transactions that
 * go through the same validation as any other. They land in the mempool; the caller mines.
 */
export async function payFromFaucet(
  chain: Chain,
  address: string,
  request: FaucetRequest,
): Promise<FaucetResult> {
  const ergoTree = ergoTreeOfAddress(address);
  const payments = splitPayments(request);
  const key = faucetSecretKey();
  const secrets = new SecretKeys();
  secrets.add(key);
  const wallet = Wallet.from_secrets(secrets);
  return chain.exclusive(async (accept) => {
    const txIds: string[] = [];
    const tokenIds: string[] = [];
    for (const payment of payments) {
      const parsed = await buildPayment(chain, wallet, ergoTree, payment);
      txIds.push(await accept(parsed));
      if (payment.token) tokenIds.push(parsed.tx.inputs[0]!.boxId);
    }
    return { txId: txIds[0]!, txIds, tokenIds };
  });
}

// ERG go in the first output; each further token box carries the safe minimum, taken from the same total.
function splitPayments(request: FaucetRequest): Payment[] {
  const tokens = request.tokens ?? [];
  const boxes = BigInt(Math.max(1, tokens.length));
  if (request.nanoErgs < SAFE_MIN_BOX_VALUE * boxes) {
    throw new DevnetBadRequestError(
      `Ask the faucet for at least ${SAFE_MIN_BOX_VALUE * boxes} nanoERG for ${boxes} box(es); got ${request.nanoErgs}`,
    );
  }
  for (const token of tokens) {
    if (token.amount <= 0n) throw new DevnetBadRequestError("Each faucet token needs a positive amount");
  }
  if (tokens.length === 0) return [{ nanoErgs: request.nanoErgs }];
  return tokens.map((token, index) => ({
    nanoErgs: index === 0 ? request.nanoErgs - SAFE_MIN_BOX_VALUE * (boxes - 1n) : SAFE_MIN_BOX_VALUE,
    token,
  }));
}

async function buildPayment(
  chain: Chain,
  wallet: Wallet,
  ergoTree: string,
  payment: Payment,
): Promise<ParsedTransaction> {
  const faucetBoxes = await unspentBoxes(
    chain,
    { ergoTree: ergoTreeOfAddress(faucetAddress()) },
    { offset: 0, limit: 100, direction: "desc", includeUnconfirmed: true, excludeMempoolSpent: true },
  );
  const output = new OutputBuilder(payment.nanoErgs, ergoTree);
  if (payment.token) output.mintToken({ ...payment.token });
  const unsigned = new TransactionBuilder(chain.height)
    .from(faucetBoxes.map((listed) => toWireBox(listed.box)))
    .to(output)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .sendChangeTo(faucetAddress())
    .build()
    .toEIP12Object();
  const inputs = ErgoBoxes.from_boxes_json(unsigned.inputs.map(({ extension: _extension, ...box }) => box));
  const context = chain.nextBlockContext();
  const signed = wallet.sign_transaction(
    context,
    UnsignedTransaction.from_json(JSON.stringify(unsigned)),
    inputs,
    ErgoBoxes.empty(),
  );
  return { wasm: signed, tx: fromWasmTransaction(signed) };
}
