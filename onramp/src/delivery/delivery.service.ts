import {
  buildGpucTransfer,
  type ChainBox,
  type ChainClient,
  ChainRejectedError,
  InsufficientFundsError,
  type SignedTransaction,
  type Signer,
  tokenAmount,
} from "@gpuc/offchain";
import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import type { OrdersRepository, StoredOrder } from "../orders/orders.repository.ts";
import type { DeliveriesRepository } from "./deliveries.repository.ts";

export interface DeliveryOptions {
  readonly db: Database;
  readonly orders: OrdersRepository;
  readonly deliveries: DeliveriesRepository;
  readonly chain: ChainClient;
  /** The float wallet: its GPUC pays the orders, its ERG the boxes and the fee. */
  readonly float: Signer;
  readonly gpucTokenId: string;
  /** Blocks on a delivery before a void check may trust that its inputs went elsewhere for good. */
  readonly confirmations: number;
  readonly maxBatch: number;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** What one `tick` did, for logs and tests. */
export interface DeliveryTick {
  /** Stored deliveries sent again (after a restart or a rollback). */
  readonly resubmitted: number;
  /** The new delivery's transaction id and how many orders it pays, when one was made. */
  readonly delivered?: { readonly txId: string; readonly orders: number };
  /** Paid orders the float could not cover this time. */
  readonly waiting: number;
}

/** Postgres advisory-lock key of the delivery step: two processes on one database never build two batches. */
const DELIVERY_LOCK = 0x6f6e72616d70; // "onramp"

/**
 * Pays paid orders from the float wallet, exactly once. A batch of orders is paid by one transaction, which is
 * built, signed and stored with its orders (now `delivering`) in one database transaction, and only then sent:
 * a crash before the commit leaves the orders paid and nothing signed; a crash after it leaves a stored
 * transaction that the next tick sends again, byte for byte, so a second payment can never be made for them.
 * Only one delivery is in flight at a time, so batches never compete for the float's boxes; the next is built
 * from the confirmed boxes once the last one is in a block (the indexer subscriber marks it).
 */
export class DeliveryService {
  readonly #o: DeliveryOptions;
  readonly #now: () => Date;
  #running: Promise<DeliveryTick> | undefined;

  constructor(options: DeliveryOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  get floatAddress(): string {
    return this.#o.float.address;
  }

  /** One delivery step; concurrent calls share the step in progress. */
  tick(): Promise<DeliveryTick> {
    this.#running ??= this.#tick().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** GPUC units in the float's confirmed boxes. */
  async floatBalance(): Promise<bigint> {
    const boxes = await this.#o.chain.unspentByAddress(this.#o.float.address);
    return boxes.reduce((sum, box) => sum + tokenAmount(box, this.#o.gpucTokenId), 0n);
  }

  async #tick(): Promise<DeliveryTick> {
    const pending = await this.#o.deliveries.pending();
    let inFlight = 0;
    for (const delivery of pending) if (await this.#resend(delivery.signedTx)) inFlight++;
    if (inFlight > 0) return { resubmitted: pending.length, waiting: 0 };
    const batch = await this.#signBatch();
    if (!batch.signed) return { resubmitted: pending.length, waiting: batch.waiting };
    crashPoint("onramp.delivery.signed"); // stored and signed, not sent: the restart sends these same bytes
    await this.#send(batch.signed);
    crashPoint("onramp.delivery.submitted"); // sent, not confirmed: the subscriber follows it from here
    return {
      resubmitted: pending.length,
      delivered: { txId: batch.signed.id, orders: batch.orders },
      waiting: batch.waiting,
    };
  }

  /** Sends a stored delivery again; false when it can never be mined (then its orders were put back to paid). */
  async #resend(signed: SignedTransaction): Promise<boolean> {
    try {
      await this.#send(signed);
      return true;
    } catch (error) {
      // #send already let through a rejection of a transaction the node has: this one it does not have.
      if (!(error instanceof ChainRejectedError)) throw error;
      if (!(await this.#inputsGoneForGood(signed))) {
        this.#o.log.warn("ONRAMP_DELIVERY_REJECTED", { txId: signed.id, reason: error.reason });
        return true;
      }
      const orders = await this.#o.deliveries.voidDelivery(signed.id, this.#now());
      this.#o.log.error("ONRAMP_DELIVERY_VOID", { txId: signed.id, orders, reason: error.reason });
      return false;
    }
  }

  async #send(signed: SignedTransaction): Promise<void> {
    await this.#o.chain.submit(signed).catch(async (error: unknown) => {
      if (error instanceof ChainRejectedError && (await this.#known(signed.id))) return signed.id;
      throw error;
    });
    await this.#o.deliveries.markSubmitted(signed.id, this.#now());
  }

  async #known(txId: string): Promise<boolean> {
    const chain = this.#o.chain;
    return (
      (await chain.unconfirmedTransaction(txId)) !== undefined ||
      (await chain.transaction(txId)) !== undefined
    );
  }

  /**
   * True only when an input of `signed` was spent by another transaction buried under `confirmations` blocks: a
   * shallower spend could still be rolled back, and the stored delivery become valid again.
   */
  async #inputsGoneForGood(signed: SignedTransaction): Promise<boolean> {
    for (const input of signed.inputs) {
      const box = await this.#o.chain.indexedBox(input.boxId);
      const spender = box?.spentTransactionId;
      if (!spender || spender === signed.id) continue;
      const tx = await this.#o.chain.transaction(spender);
      if (tx && tx.numConfirmations >= this.#o.confirmations) return true;
    }
    return false;
  }

  /** Builds, signs and stores the next batch in one database transaction (orders locked against refunds). */
  #signBatch(): Promise<{ signed?: SignedTransaction; orders: number; waiting: number }> {
    const { db, orders, deliveries, chain, float, gpucTokenId } = this.#o;
    return db.transaction(async () => {
      await db.query("SELECT pg_advisory_xact_lock($1)", [DELIVERY_LOCK]);
      if ((await deliveries.pending()).length > 0) return { orders: 0, waiting: 0 };
      const paid = await orders.paidForDelivery(this.#o.maxBatch);
      if (paid.length === 0) return { orders: 0, waiting: 0 };
      const boxes = await chain.unspentByAddress(float.address);
      const batch = fitting(paid, boxes, gpucTokenId);
      const waiting = paid.length - batch.length;
      if (batch.length === 0) {
        this.#o.log.warn("ONRAMP_FLOAT_SHORT", { waiting, float: float.address });
        return { orders: 0, waiting };
      }
      const signed = await this.#sign(batch, boxes);
      if (!signed) return { orders: 0, waiting: paid.length };
      const units = batch.reduce((sum, order) => sum + BigInt(order.gpuc), 0n);
      await deliveries.insert(signed, units, this.#now());
      await orders.assignDelivery(
        batch.map((order) => order.id),
        signed.id,
        this.#now(),
      );
      return { signed, orders: batch.length, waiting };
    });
  }

  async #sign(batch: StoredOrder[], boxes: ChainBox[]): Promise<SignedTransaction | undefined> {
    const { chain, float, gpucTokenId } = this.#o;
    try {
      const tx = buildGpucTransfer(
        {
          gpucTokenId,
          payments: batch.map((order) => ({ address: order.address, units: BigInt(order.gpuc) })),
        },
        { inputs: boxes, changeAddress: float.address, height: await chain.height() },
      );
      return await float.sign(tx, chain);
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      // GPUC enough, ERG not: the float needs ERG for the boxes and the fee. Nothing is stored.
      this.#o.log.error("ONRAMP_FLOAT_NO_ERG", { float: float.address, detail: error.message });
      return undefined;
    }
  }
}

/** The paid orders, oldest first, that the float's GPUC covers (an order too big waits; smaller ones go). */
function fitting(paid: readonly StoredOrder[], boxes: readonly ChainBox[], tokenId: string): StoredOrder[] {
  let left = boxes.reduce((sum, box) => sum + tokenAmount(box, tokenId), 0n);
  const batch: StoredOrder[] = [];
  for (const order of paid) {
    const units = BigInt(order.gpuc);
    if (units > left) continue;
    left -= units;
    batch.push(order);
  }
  return batch;
}
