import type { IndexSubscriber } from "@gpuc/indexer";
import type { ArbiterService } from "./arbiter.service.ts";
import type { EscrowFollower } from "./escrow-follower.ts";

/**
 * Rentals follow their escrows: in the block's transaction an escrow box funds or moves its rental, a spend that
 * leaves no successor records the rental's settlement transaction, and a rollback rewinds it; once the block is committed the arbiter (where configured) submits the refunds still
 * pending — every block, so one that failed or whose transaction was lost is tried again.
 */
export function rentalsSubscriber(
  follower: EscrowFollower,
  arbiter: ArbiterService | undefined,
): IndexSubscriber {
  return {
    name: "rentals",
    onBox: async (box) => {
      if (box.kind === "escrow") await follower.onEscrowBox(box);
    },
    onBlock: async (_block, { created, spent }) => {
      for (const box of spent) if (box.kind === "escrow") await follower.onEscrowSpent(box, created);
    },
    onRollback: () => follower.onRollback(),
    afterCommit: async (block) => {
      if (!arbiter) return;
      await arbiter.refundPending();
      await arbiter.refundFailedEscrows(block.height);
    },
  };
}
