import { Parameters } from "ergo-lib-wasm-nodejs";
import { addressOfErgoTree, type NetworkName } from "../chain/address.ts";
import { type BlockHeader, HEADER_VERSION } from "../chain/headers.ts";
import type { ListedBox } from "../chain/queries.ts";
import type { IndexedBox, StoredBlock, StoredTransaction } from "../chain/store.ts";
import type { Box, Transaction } from "../tx/types.ts";

// The node's JSON shapes (openapi.yaml), built from the devnet's records. Amounts stay bigint: `toNodeJson`
// writes them as JSON numbers, as the node does.

/** `ErgoTransactionOutput`. */
export function boxView(box: Box) {
  return {
    boxId: box.boxId,
    value: box.value,
    ergoTree: box.ergoTree,
    assets: box.assets.map((asset) => ({ tokenId: asset.tokenId, amount: asset.amount })),
    creationHeight: box.creationHeight,
    additionalRegisters: box.additionalRegisters,
    transactionId: box.transactionId,
    index: box.index,
  };
}

/** `IndexedErgoBox`; an unconfirmed box reads as the node writes it: indexes 0, nothing spent. */
export function indexedBoxView(listed: ListedBox, network: NetworkName) {
  const indexed = listed.indexed;
  return {
    ...boxView(listed.box),
    globalIndex: indexed?.globalIndex ?? 0,
    inclusionHeight: indexed?.inclusionHeight ?? 0,
    address: addressOfErgoTree(listed.box.ergoTree, network),
    spentTransactionId: indexed?.spentTransactionId ?? null,
    spendingHeight: indexed?.spendingHeight ?? null,
    spendingProof: indexed?.spendingProof ?? null,
  };
}

export function fromIndexed(indexed: IndexedBox): ListedBox {
  return { box: indexed.box, indexed };
}

/** `ErgoTransaction`. */
export function transactionView(tx: Transaction) {
  return {
    id: tx.id,
    inputs: tx.inputs.map((input) => ({ boxId: input.boxId, spendingProof: input.spendingProof })),
    dataInputs: tx.dataInputs.map((input) => ({ boxId: input.boxId })),
    outputs: tx.outputs.map(boxView),
    size: tx.size,
  };
}

/** `ErgoTransactionWithInputBoxes`: each input merged with the box it spends. */
export function transactionWithInputsView(tx: Transaction, inputs: readonly Box[]) {
  return {
    ...transactionView(tx),
    inputs: tx.inputs.map((input, index) => {
      const { boxId, ...box } = boxView(inputs[index]!);
      return { boxId, spendingProof: input.spendingProof, ...box };
    }),
  };
}

export interface IndexedTransactionParts {
  readonly stored: StoredTransaction;
  readonly block: StoredBlock;
  readonly tipHeight: number;
  readonly boxes: ReadonlyMap<string, IndexedBox>;
  readonly network: NetworkName;
}

/** `IndexedErgoTransaction`: inputs and outputs as indexed boxes, with confirmations. */
export function indexedTransactionView(parts: IndexedTransactionParts) {
  const { stored, block, boxes, network } = parts;
  const indexedBox = (boxId: string) => {
    const indexed = boxes.get(boxId);
    if (!indexed) throw new Error(`Box ${boxId} of transaction ${stored.tx.id} is missing from the index`);
    return indexedBoxView(fromIndexed(indexed), network);
  };
  return {
    id: stored.tx.id,
    blockId: block.header.id,
    inclusionHeight: stored.height,
    timestamp: block.header.timestamp,
    index: stored.blockIndex,
    globalIndex: stored.globalIndex,
    numConfirmations: parts.tipHeight - stored.height + 1,
    inputs: stored.tx.inputs.map((input) => indexedBox(input.boxId)),
    dataInputs: stored.tx.dataInputs.map((input) => ({ boxId: input.boxId })),
    outputs: stored.tx.outputs.map((output) => indexedBox(output.boxId)),
    size: stored.tx.size,
  };
}

/** `BlockTransactions`. */
export function blockTransactionsView(block: StoredBlock, transactions: readonly Transaction[]) {
  return {
    headerId: block.header.id,
    transactions: transactions.map(transactionView),
    size: block.size,
  };
}

/** `FullBlock`: the devnet has no AD proofs or extension fields; their sections are empty but present. */
export function fullBlockView(block: StoredBlock, transactions: readonly Transaction[]) {
  const header = block.header;
  return {
    header,
    blockTransactions: blockTransactionsView(block, transactions),
    extension: { headerId: header.id, digest: header.extensionHash, fields: [] },
    adProofs: { headerId: header.id, proofBytes: "", digest: header.adProofsRoot, size: 0 },
    size: header.size + block.size,
  };
}

export interface InfoParts {
  readonly tip: BlockHeader;
  readonly genesisBlockId: string;
  readonly unconfirmedCount: number;
  readonly launchTime: number;
  readonly isMining: boolean;
  readonly network: NetworkName;
}

/** `NodeInfo`, with the fields a node (v6) writes. Scores and difficulty: one unit per block. */
export function infoView(parts: InfoParts) {
  const { tip } = parts;
  return {
    name: "gpuc-devnet",
    appVersion: "6.0.0-gpuc-devnet",
    network: parts.network,
    headersHeight: tip.height,
    fullHeight: tip.height,
    maxPeerHeight: tip.height,
    bestHeaderId: tip.id,
    bestFullHeaderId: tip.id,
    previousFullHeaderId: tip.parentId,
    difficulty: 1,
    headersScore: tip.height,
    fullBlocksScore: tip.height,
    unconfirmedCount: parts.unconfirmedCount,
    stateRoot: tip.stateRoot,
    stateType: "utxo",
    stateVersion: tip.id,
    isMining: parts.isMining,
    isExplorer: true,
    peersCount: 0,
    launchTime: parts.launchTime,
    currentTime: Date.now(),
    lastSeenMessageTime: Date.now(),
    lastMemPoolUpdateTime: Date.now(),
    genesisBlockId: parts.genesisBlockId,
    parameters: parametersView(),
    eip27Supported: true,
    eip37Supported: true,
  };
}

// ergo-lib's defaults (its `max_block_cost` getter panics, so that one is the node's launch value, 1,000,000);
// blockVersion is the devnet headers' version.
const PARAMETERS = (() => {
  const parameters = Parameters.default_parameters();
  try {
    return {
      height: 0,
      blockVersion: HEADER_VERSION,
      storageFeeFactor: parameters.storage_fee_factor(),
      minValuePerByte: parameters.min_value_per_byte(),
      maxBlockSize: parameters.max_block_size(),
      maxBlockCost: 1_000_000,
      tokenAccessCost: parameters.token_access_cost(),
      inputCost: parameters.input_cost(),
      dataInputCost: parameters.data_input_cost(),
      outputCost: parameters.output_cost(),
    };
  } finally {
    parameters.free();
  }
})();

function parametersView() {
  return { ...PARAMETERS };
}
