/** A token in a box: the node's `Asset`, with an exact amount. */
export interface Asset {
  readonly tokenId: string;
  readonly amount: bigint;
}

/** A box as the node writes it (`ErgoTransactionOutput` with its id, transaction and index), amounts as bigint. */
export interface Box {
  readonly boxId: string;
  readonly value: bigint;
  readonly ergoTree: string;
  readonly assets: readonly Asset[];
  readonly creationHeight: number;
  readonly additionalRegisters: Readonly<Record<string, string>>;
  readonly transactionId: string;
  readonly index: number;
}

export interface SpendingProof {
  readonly proofBytes: string;
  readonly extension: Readonly<Record<string, string>>;
}

export interface Input {
  readonly boxId: string;
  readonly spendingProof: SpendingProof;
}

/** A signed transaction in the node's `ErgoTransaction` shape, as the devnet stores and serves it. */
export interface Transaction {
  readonly id: string;
  readonly inputs: readonly Input[];
  readonly dataInputs: readonly { readonly boxId: string }[];
  readonly outputs: readonly Box[];
  readonly size: number;
}
