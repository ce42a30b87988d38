import { collBytesHex, collLong } from "../chain/registers.ts";
import type { IndexedBox, IndexRepository } from "../indexer/index.repository.ts";

/** A Rental Escrow box's registers, read leniently: chain data is untrusted, a malformed box reads as undefined. */
export interface EscrowBox {
  readonly boxId: string;
  /** `SigmaProp` registers (`08cd…`). */
  readonly consumer: string;
  readonly provider: string;
  readonly pricePerHour: bigint;
  readonly startHeight: number;
  readonly prepaidHours: number;
  readonly paidHours: number;
  readonly rentalId: string;
  /** R8 of a recreated escrow: the box it was recreated from. */
  readonly parentBoxId: string | undefined;
  readonly gpuc: bigint;
  /** Holds exactly one token, GPUC (what the protocol's escrows hold). */
  readonly gpucOnly: boolean;
  /** Holds at least the price of every unpaid prepaid hour (anyone can create an under-funded box). */
  readonly fullyFunded: boolean;
}

export function readEscrow(box: IndexedBox): EscrowBox | undefined {
  const terms = collLong(box.registers.R6);
  const rentalId = collBytesHex(box.registers.R7);
  const { R4: consumer, R5: provider } = box.registers;
  if (terms?.length !== 4 || !rentalId || !consumer || !provider) return undefined;
  const [pricePerHour, startHeight, prepaidHours, paidHours] = terms as [bigint, bigint, bigint, bigint];
  if (pricePerHour <= 0n || paidHours < 0n || paidHours > prepaidHours || prepaidHours >= 2n ** 31n)
    return undefined;
  return {
    boxId: box.boxId,
    consumer,
    provider,
    pricePerHour,
    startHeight: Number(startHeight),
    prepaidHours: Number(prepaidHours),
    paidHours: Number(paidHours),
    rentalId,
    parentBoxId: collBytesHex(box.registers.R8),
    gpuc: box.gpuc,
    gpucOnly: box.assets.length === 1 && box.gpuc > 0n,
    fullyFunded: box.gpuc >= (prepaidHours - paidHours) * pricePerHour,
  };
}

/** Registers a recreated escrow must carry over unchanged (the contract keeps them; a forged box need not). */
const CARRIED = ["consumer", "provider", "rentalId", "pricePerHour", "startHeight"] as const;

/**
 * Why `child` is not the recreation of the escrow `parent` — undefined when it is. Anyone can create a box at the
 * escrow script with any registers (no script runs at creation), so R8 naming the parent proves nothing by
 * itself: only a box created by the very transaction that spent the parent went through the parent's script.
 */
export function successorMismatch(parent: IndexedBox, child: IndexedBox): string | undefined {
  const before = readEscrow(parent);
  const after = readEscrow(child);
  if (!before || !after || child.kind !== "escrow") return "not a readable escrow box";
  if (after.parentBoxId !== parent.boxId) return `R8 does not name ${parent.boxId}`;
  if (parent.spentTxId !== child.txId)
    return `${parent.boxId} was not spent by the transaction that created this box`;
  const changed = CARRIED.find((field) => after[field] !== before[field]);
  if (changed) return `${changed} changed`;
  if (after.prepaidHours < before.prepaidHours || after.paidHours < before.paidHours)
    return "prepaid or paid hours went down";
  if (!after.gpucOnly) return "it must hold GPUC only";
  if (!after.fullyFunded) return `it holds ${after.gpuc} GPUC units, less than its unpaid prepaid hours`;
  return undefined;
}

type LineageIndex = Pick<IndexRepository, "createdBy">;

/** The escrow box that genuinely recreated `parent`, if `parent` was spent into one. */
export async function successorOf(index: LineageIndex, parent: IndexedBox): Promise<IndexedBox | undefined> {
  if (!parent.spentTxId) return undefined;
  const created = await index.createdBy(parent.spentTxId, "escrow");
  return created.find((child) => successorMismatch(parent, child) === undefined);
}

/** The last box of the escrow lineage starting at `opening` (the box the consumer opened), as indexed. */
export async function lineageTip(index: LineageIndex, opening: IndexedBox): Promise<IndexedBox> {
  let box = opening;
  for (let next = await successorOf(index, box); next; next = await successorOf(index, next)) box = next;
  return box;
}
