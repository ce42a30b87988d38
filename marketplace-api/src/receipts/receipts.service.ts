import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import { payoutReceiptsRoot, receiptSignedBy } from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import {
  canonicalJson,
  type InstanceReceipts,
  merkleProof,
  type ReceiptBatch,
  type ReceiptBatchAck,
  receiptLeaf,
  type SignedReceipt,
  signedReceiptSchema,
  sortReceipts,
  verifyMerkleProof,
} from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { toFleetBox } from "../chain/indexed-lineage.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { InstanceRow, InstancesRepository } from "../instances/instances.repository.ts";
import type { InstanceTransitions } from "../instances/transitions.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { NewReceipt, ReceiptRow, ReceiptsRepository } from "./receipts.repository.ts";

export interface ReceiptsDeps {
  repo: ReceiptsRepository;
  instances: InstancesRepository;
  providers: ProvidersRepository;
  transitions: InstanceTransitions;
  index: Pick<IndexStore, "createdBy">;
  clock: Clock;
  log: Logger;
  network: NetworkName;
}

/**
 * Usage receipts as the marketplace keeps them: each settlement's batch stored once as the provider's executor
 * pushed it, each receipt checked on arrival (the provider's signature, the leaf under the batch's root) and on
 * reading (the root in the settlement's payout box R5, once the transaction is indexed).
 */
export class ReceiptsService {
  constructor(private readonly d: ReceiptsDeps) {}

  /**
   * Stores the batch of settlement `txId`, once: the same batch again is a success, another batch for a known
   * transaction a 409. Receipts that fail their checks are stored with the failure (the auditor's evidence);
   * a receipt of a rental that is not this provider's is refused (422).
   */
  async putBatch(
    principal: Principal,
    providerId: string,
    txId: string,
    batch: ReceiptBatch,
  ): Promise<ReceiptBatchAck> {
    const provider = await this.d.providers.find(providerId);
    assert(
      provider?.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    assert(batch.txId === txId, 422, `The batch names transaction ${batch.txId}; PUT it at its own txId`);
    const body = canonicalJson(batch);
    const known = await this.d.repo.batch(txId);
    if (known) return this.#same(known, providerId, body, batch);
    await this.#assertOwnRentals(providerId, batch);
    const receipts = checkedReceipts(batch, provider.owner_address);
    const stored = await this.d.repo.insertBatch(
      { tx_id: txId, provider_id: providerId, root: batch.root, body },
      receipts,
      this.d.clock.now(),
    );
    if (!stored) return this.#same((await this.d.repo.batch(txId))!, providerId, body, batch);
    const failed = receipts.filter((r) => !r.signature_ok || !r.root_ok).length;
    if (failed) this.d.log.warn("RECEIPTS_FAILED_CHECKS", { providerId, txId, failed });
    return { txId, root: batch.root };
  }

  /** The receipts of an instance (its consumer, its provider, the arbiter), each with its proof and checks. */
  async forInstance(principal: Principal, id: string): Promise<InstanceReceipts> {
    const row = await this.#readable(principal, id);
    const provider = await this.d.providers.find(row.provider_id);
    const rows = await this.d.repo.ofInstance(id);
    const proofs = new Map<string, string[]>();
    const onChain = new Map<string, boolean | null>();
    for (const txId of new Set(rows.map((r) => r.tx_id))) {
      proofs.set(
        txId,
        (await this.d.repo.ofBatch(txId)).map((r) => r.leaf),
      );
      const root = rows.find((r) => r.tx_id === txId)!.root;
      onChain.set(txId, await this.#onChain(txId, root, provider?.owner_address));
    }
    return {
      receipts: rows.map((r) => {
        const signed = parseStored(r);
        return {
          ...signed,
          leaf: r.leaf,
          txId: r.tx_id,
          root: r.root,
          proof: merkleProof(proofs.get(r.tx_id)!, r.position),
          checks: { signature: r.signature_ok, root: r.root_ok, onChain: onChain.get(r.tx_id)! },
        };
      }),
    };
  }

  /** Whether `leaf` is one of the instance's receipts (a dispute or a resolution names one). */
  hasLeaf(instanceId: string, leaf: string): Promise<boolean> {
    return this.d.repo.hasLeaf(instanceId, leaf.toLowerCase());
  }

  /**
   * Whether the settlement's provider payout carries `root` in R5: null while the transaction is not indexed
   * (no box of it is), false when no box it made pays the provider with that root.
   */
  async #onChain(txId: string, root: string, providerAddress: string | undefined): Promise<boolean | null> {
    const made = await this.d.index.createdBy(txId, "wallet");
    if (made.length === 0) return null;
    const tree = providerAddress && p2pkTree(providerAddress, this.d.network);
    return made.some(
      (box: IndexedBox) => box.ergoTree === tree && payoutReceiptsRoot(toFleetBox(box)) === root,
    );
  }

  #same(
    known: { provider_id: string; body: string },
    providerId: string,
    body: string,
    batch: ReceiptBatch,
  ): ReceiptBatchAck {
    if (known.provider_id !== providerId || known.body !== body)
      throw new HttpError(
        409,
        `Transaction ${batch.txId} already has another receipt batch; a settlement's receipts never change`,
      );
    return { txId: batch.txId, root: batch.root };
  }

  async #assertOwnRentals(providerId: string, batch: ReceiptBatch): Promise<void> {
    for (const instanceId of new Set(batch.receipts.map((s) => s.receipt.instanceId))) {
      const row = await this.d.instances.find(instanceId);
      assert(
        row?.provider_id === providerId,
        422,
        `Receipt for instance ${instanceId}: no rental of this provider has that id; push only your rentals' receipts`,
      );
    }
  }

  async #readable(principal: Principal, id: string): Promise<InstanceRow> {
    if (!principal.scopes.includes("arbiter")) return this.d.transitions.visible(principal, id);
    const row = await this.d.instances.find(id);
    assert(row, 404, `Instance ${id} not found`);
    return row;
  }
}

/** The batch's receipts in tree order, each with its leaf and its checks on arrival. */
export function checkedReceipts(batch: ReceiptBatch, providerAddress: string): NewReceipt[] {
  const sorted = sortReceipts(batch.receipts);
  const leaves = sorted.map(receiptLeaf);
  return sorted.map((signed, position) => ({
    position,
    leaf: leaves[position]!,
    instance_id: signed.receipt.instanceId,
    period: signed.receipt.period,
    seconds: signed.receipt.seconds,
    signed: canonicalJson(signed),
    signature_ok: receiptSignedBy(signed, providerAddress),
    root_ok: verifyMerkleProof(leaves[position]!, merkleProof(leaves, position), batch.root),
  }));
}

/** A stored receipt as it was pushed (stored rows are untrusted input too: the schema reads them). */
export function parseStored(row: Pick<ReceiptRow, "signed">): SignedReceipt {
  return signedReceiptSchema.parse(JSON.parse(row.signed));
}
