import { collBytesHex, collLong } from "../chain/registers.ts";
import type { IndexedBox } from "../indexer/index.repository.ts";

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
}

export function readEscrow(box: IndexedBox): EscrowBox | undefined {
  const terms = collLong(box.registers.R6);
  const rentalId = collBytesHex(box.registers.R7);
  const { R4: consumer, R5: provider } = box.registers;
  if (terms?.length !== 4 || !rentalId || !consumer || !provider) return undefined;
  const [pricePerHour, startHeight, prepaidHours, paidHours] = terms as [bigint, bigint, bigint, bigint];
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
  };
}
