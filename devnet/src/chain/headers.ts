import { blake2b256, hex } from "@fleet-sdk/crypto";
import {
  BlockHeaders,
  ErgoStateContext,
  Parameters,
  PreHeader,
  BlockHeader as WasmBlockHeader,
} from "ergo-lib-wasm-nodejs";

/** The node's `BlockHeader` JSON. The devnet's headers are synthetic: ids are hashes of the fields, no PoW. */
export interface BlockHeader {
  readonly id: string;
  readonly parentId: string;
  readonly version: number;
  readonly height: number;
  readonly timestamp: number;
  readonly nBits: number;
  readonly difficulty: string;
  readonly votes: string;
  readonly stateRoot: string;
  readonly adProofsRoot: string;
  readonly transactionsRoot: string;
  readonly extensionHash: string;
  readonly extensionId: string;
  readonly adProofsId: string;
  readonly transactionsId: string;
  readonly size: number;
  readonly powSolutions: { readonly pk: string; readonly w: string; readonly n: string; readonly d: number };
}

/** ergo-lib's ErgoStateContext wants exactly this many previous headers. */
export const STATE_CONTEXT_HEADERS = 10;
export const GENESIS_PARENT_ID = "0".repeat(64);
/** Block version 3: the Ergo 5.0 protocol (ErgoTree v1 scripts). */
export const HEADER_VERSION = 3;
const N_BITS = 117_440_512;
// secp256k1 generator: a valid group element for the PoW fields nobody checks on a devnet.
const GENERATOR = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
// Block section type ids of the node, so section ids follow its `hash(typeId ++ headerId ++ digest)` rule.
const SECTION = { transactions: 102, adProofs: 104, extension: 108 } as const;

export interface NextHeaderInput {
  readonly parent: BlockHeader | undefined;
  readonly txIds: readonly string[];
  readonly minerPk: string;
  /** Wall clock in ms; the header's timestamp is at least one ms after its parent's. */
  readonly now: number;
}

/** The header of the block after `parent` (or of block 1), with a timestamp strictly above its parent's. */
export function nextHeader(input: NextHeaderInput): BlockHeader {
  const height = (input.parent?.height ?? 0) + 1;
  const parentId = input.parent?.id ?? GENESIS_PARENT_ID;
  const transactionsRoot = digest(input.txIds.join(""));
  const stateRoot = `${digest(`${input.parent?.stateRoot ?? ""}${transactionsRoot}`)}00`;
  const adProofsRoot = digest(`adproofs${transactionsRoot}`);
  const extensionHash = digest(`extension${height}`);
  const timestamp = Math.max(input.now, (input.parent?.timestamp ?? 0) + 1);
  const body = {
    parentId,
    version: HEADER_VERSION,
    height,
    timestamp,
    nBits: N_BITS,
    difficulty: "1",
    votes: "000000",
    stateRoot,
    adProofsRoot,
    transactionsRoot,
    extensionHash,
    size: 221,
    powSolutions: { pk: input.minerPk, w: GENERATOR, n: height.toString(16).padStart(16, "0"), d: 0 },
  };
  const id = digest(JSON.stringify(body));
  return {
    id,
    ...body,
    extensionId: sectionId(SECTION.extension, id, extensionHash),
    adProofsId: sectionId(SECTION.adProofs, id, adProofsRoot),
    transactionsId: sectionId(SECTION.transactions, id, transactionsRoot),
  };
}

/**
 * ergo-lib's state context for validating at `preHeader.height`: the pre-header is taken from `preHeader`, and
 * `previous` are the ten headers below it (any order; sorted newest first here).
 */
export function stateContext(preHeader: BlockHeader, previous: readonly BlockHeader[]): ErgoStateContext {
  const newestFirst = [...previous].sort((a, b) => b.height - a.height).slice(0, STATE_CONTEXT_HEADERS);
  return new ErgoStateContext(
    PreHeader.from_block_header(WasmBlockHeader.from_json(JSON.stringify(preHeader))),
    BlockHeaders.from_json(newestFirst),
    Parameters.default_parameters(),
  );
}

function digest(text: string): string {
  return hex.encode(blake2b256(new TextEncoder().encode(text)));
}

function sectionId(typeId: number, headerId: string, sectionDigest: string): string {
  return hex.encode(blake2b256(hex.decode(`${typeId.toString(16)}${headerId}${sectionDigest}`)));
}

/** The header with its fields in the node's order (JSONB storage does not keep key order). */
export function orderedHeader(header: BlockHeader): BlockHeader {
  return {
    extensionId: header.extensionId,
    difficulty: header.difficulty,
    votes: header.votes,
    timestamp: header.timestamp,
    size: header.size,
    stateRoot: header.stateRoot,
    height: header.height,
    nBits: header.nBits,
    version: header.version,
    id: header.id,
    adProofsRoot: header.adProofsRoot,
    transactionsId: header.transactionsId,
    extensionHash: header.extensionHash,
    powSolutions: header.powSolutions,
    adProofsId: header.adProofsId,
    transactionsRoot: header.transactionsRoot,
    parentId: header.parentId,
  };
}
