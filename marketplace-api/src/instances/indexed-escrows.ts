import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import {
  checkOpening,
  type EscrowDeployment,
  type EscrowState,
  followEscrow,
  NotAnEscrowError,
  type OpeningTerms,
  parseEscrowBox,
  UntrustedEscrowError,
  verifySuccessor,
} from "@gpuc/offchain";
import { indexedLineage, toFleetBox } from "../chain/indexed-lineage.ts";

/**
 * Escrows as the marketplace's index holds them, read and followed by `@gpuc/offchain` (its decoder, lineage
 * walker and opening checks): the rentals service asks questions, this answers them, no register is read here.
 */
export class IndexedEscrows {
  constructor(
    private readonly index: Pick<IndexStore, "box" | "createdBy">,
    /** The deployment's escrow contract and GPUC token: what an escrow box is. */
    private readonly deployment: EscrowDeployment,
  ) {}

  /** The indexed box as an escrow of the deployment, or undefined (chain data is untrusted). */
  read(box: IndexedBox): EscrowState | undefined {
    try {
      return parseEscrowBox(toFleetBox(box), this.deployment);
    } catch (error) {
      if (error instanceof NotAnEscrowError) return undefined;
      throw error;
    }
  }

  /**
   * Why `escrow` is not the genuine recreation of the indexed box `currentBoxId` (created by the transaction that
   * spent it, as exactly what a claim or a top-up leaves), or undefined when it is.
   */
  async successorMismatch(currentBoxId: string, escrow: EscrowState): Promise<string | undefined> {
    const current = await this.index.box(currentBoxId);
    const parent = current && this.read(current);
    if (!parent) return "the current escrow box is not indexed";
    return untrusted(() => verifySuccessor(indexedLineage(this.index, "escrow"), parent, escrow));
  }

  /** The last indexed box of the lineage opened by `openingBoxId` (unspent, or closed by its last spend). */
  async tip(openingBoxId: string): Promise<EscrowState | undefined> {
    const opening = await this.index.box(openingBoxId);
    const start = opening && this.read(opening);
    if (!start) return undefined;
    return (await followEscrow(indexedLineage(this.index, "escrow"), start, { deployment: this.deployment }))
      .escrow;
  }

  /** Why the opening escrow in `box` does not carry `terms` (offchain's `checkOpening`), or undefined. */
  openingMismatch(box: IndexedBox, escrow: EscrowState, terms: OpeningTerms): Promise<string | undefined> {
    return untrusted(async () => checkOpening(escrow, box.inclusionHeight, terms));
  }
}

/** Why an escrow is not to be trusted (offchain's `UntrustedEscrowError` reason), or undefined when it is. */
async function untrusted(check: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    if (error instanceof UntrustedEscrowError) return error.reason;
    throw error;
  }
}
