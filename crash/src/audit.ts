import type { Deployment } from "@gpuc/ergoscript";
import {
  type ChainBox,
  type EscrowState,
  NodeChainClient,
  parseConfigBox,
  parseEscrowBox,
  type SignedTransaction,
} from "@gpuc/offchain";

/** One rental's money as the chain shows it: every escrow opened for it and where their GPUC went. */
export interface RentalAudit {
  readonly rentalId: string;
  /** Escrows opened for the rental (more than one would be a doubled funding). */
  openings: number;
  /** GPUC put into its escrows. */
  gpuc: bigint;
  /** GPUC its escrows released to the consumer (refunds) and to the provider and treasury (claims, close). */
  toConsumer: bigint;
  toProviderAndTreasury: bigint;
  /** Claim transactions that paid periods of this rental. */
  claims: number;
  /** Periods paid by more than one transaction. */
  doubledPeriods: number;
  /** An escrow of the rental is still unspent at the tip. */
  open: boolean;
  readonly paid: Set<number>;
}

/** The whole chain's escrow history: per rental, plus the transactions whose GPUC did not add up. */
export interface ChainAudit {
  readonly rentals: Map<string, RentalAudit>;
  /** Ids of escrow-spending transactions where released GPUC ≠ what the consumer, provider and treasury gained. */
  readonly unbalancedTxs: string[];
  readonly height: number;
}

const gpucOf = (box: ChainBox, tokenId: string) =>
  box.assets
    .filter((asset) => asset.tokenId === tokenId)
    .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);

function escrowIn(box: ChainBox | undefined, deployment: Deployment): EscrowState | undefined {
  if (!box || box.ergoTree !== deployment.contracts.rentalEscrow.ergoTree) return undefined;
  try {
    return parseEscrowBox(box, deployment);
  } catch {
    return undefined; // a box sent to the script that is no escrow (it is nobody's rental)
  }
}

/**
 * Reads every block from the deployment's height to the tip from the node (never from the services' databases)
 * and follows each rental's escrows: openings, claims (periods paid), the closing spend, and for every spend
 * the GPUC each party gained.
 */
export async function auditChain(nodeUrl: string, deployment: Deployment): Promise<ChainAudit> {
  const node = new NodeChainClient(nodeUrl);
  const [configBox] = await node.unspentByTokenId(deployment.configNftId);
  const treasury = parseConfigBox(configBox!, deployment.configNftId).treasury;
  const audit = new Auditor(deployment, treasury);
  const height = await node.height();
  for (let h = deployment.createdAtHeight; h <= height; h++) {
    for (const headerId of await node.headerIdsAt(h))
      for (const tx of await node.blockTransactions(headerId)) audit.add(tx);
  }
  return { rentals: audit.rentals, unbalancedTxs: audit.unbalanced, height };
}

class Auditor {
  readonly rentals = new Map<string, RentalAudit>();
  readonly unbalanced: string[] = [];
  readonly #boxes = new Map<string, ChainBox>();
  readonly #unspentEscrows = new Map<string, string>();

  constructor(
    readonly deployment: Deployment,
    readonly treasury: string,
  ) {}

  add(tx: SignedTransaction): void {
    const inputs = tx.inputs.map((input) => this.#boxes.get(input.boxId));
    for (const box of tx.outputs) this.#boxes.set(box.boxId, box);
    const spent = inputs.map((box) => escrowIn(box, this.deployment)).filter((e) => e !== undefined);
    const created = tx.outputs.map((box) => escrowIn(box, this.deployment)).filter((e) => e !== undefined);
    for (const escrow of spent) this.#unspentEscrows.delete(escrow.boxId);
    for (const escrow of created) this.#unspentEscrows.set(escrow.boxId, escrow.rentalId);
    if (spent.length === 0) {
      for (const escrow of created) this.#rental(escrow.rentalId).gpuc += escrow.gpuc;
      for (const escrow of created) this.#rental(escrow.rentalId).openings++;
    } else {
      this.#spend(tx, inputs, spent, created);
    }
    for (const rental of this.rentals.values()) rental.open = false;
    for (const rentalId of this.#unspentEscrows.values()) this.#rental(rentalId).open = true;
  }

  #spend(
    tx: SignedTransaction,
    inputs: (ChainBox | undefined)[],
    spent: EscrowState[],
    created: EscrowState[],
  ) {
    const token = this.deployment.gpucTokenId;
    const gain = (tree: string) =>
      tx.outputs.filter((box) => box.ergoTree === tree).reduce((sum, box) => sum + gpucOf(box, token), 0n) -
      inputs.filter((box) => box?.ergoTree === tree).reduce((sum, box) => sum + gpucOf(box!, token), 0n);
    const consumers = [...new Set(spent.map((escrow) => escrow.consumer))];
    const providers = [...new Set(spent.map((escrow) => escrow.provider))];
    const consumerGain = consumers.reduce((sum, tree) => sum + gain(tree), 0n);
    const partyGain =
      consumerGain + providers.reduce((sum, tree) => sum + gain(tree), 0n) + gain(this.treasury);
    let released = 0n;
    for (const escrow of spent) {
      const successor = created.find((next) => next.parentBoxId === escrow.boxId);
      const rental = this.#rental(escrow.rentalId);
      const out = escrow.gpuc - (successor?.gpuc ?? 0n);
      released += out;
      if (successor && successor.paidHours > escrow.paidHours) this.#paid(rental, escrow, successor);
      // One escrow per transaction: the consumer's gain is its refund. A batch of claims refunds nobody.
      const refund = spent.length === 1 ? consumerGain : 0n;
      rental.toConsumer += refund;
      rental.toProviderAndTreasury += out - refund;
    }
    if (released !== partyGain || (spent.length > 1 && consumerGain !== 0n)) this.unbalanced.push(tx.id);
  }

  #paid(rental: RentalAudit, from: EscrowState, to: EscrowState): void {
    rental.claims++;
    for (let period = from.paidHours + 1; period <= to.paidHours; period++) {
      if (rental.paid.has(period)) rental.doubledPeriods++;
      rental.paid.add(period);
    }
  }

  #rental(rentalId: string): RentalAudit {
    let rental = this.rentals.get(rentalId);
    if (!rental) {
      rental = {
        rentalId,
        openings: 0,
        gpuc: 0n,
        toConsumer: 0n,
        toProviderAndTreasury: 0n,
        claims: 0,
        doubledPeriods: 0,
        open: false,
        paid: new Set(),
      };
      this.rentals.set(rentalId, rental);
    }
    return rental;
  }
}
