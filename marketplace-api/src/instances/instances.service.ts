import { randomUUID } from "node:crypto";
import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { EscrowState, OpeningTerms } from "@gpuc/offchain";
import type { Database, Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import {
  type CloseReason,
  type Credential,
  type CredentialScope,
  ENDED_STATES,
  type ExecutorInstance,
  type ExecutorReason,
  type Instance,
  type InstanceState,
  LIVE_STATES,
} from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { SettlementBoxMissingError } from "../chain/arbiter-settlement.ts";
import {
  instanceIdOf,
  type RentalChain,
  rentalIdOf,
  type Settlement,
  type SignedTx,
} from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import { InsufficientFundsError, TooManyUnfundedRentalsError } from "../core/errors.ts";
import type { Principal } from "../core/route.ts";
import type { CredentialsService } from "../credentials/credentials.service.ts";
import type { GpuRow, GpusRepository } from "../gpus/gpus.repository.ts";
import type { IndexedBox, IndexRepository } from "../indexer/index.repository.ts";
import type { ProvidersRepository } from "../providers/providers.repository.ts";
import type { EscrowRefunds } from "./escrow-refunds.ts";
import type { IndexedEscrows } from "./indexed-escrows.ts";
import type { InstanceRow, InstancesRepository, TransitionFields } from "./instances.repository.ts";
import { assertTransition, isClosing } from "./state-machine.ts";

export interface CreateInstanceInput {
  gpuId: string;
  hours: number;
  image: string;
  cmd?: string[];
  env?: Record<string, string>;
  ports?: number[];
}

export interface InstancesDeps {
  db: Database;
  repo: InstancesRepository;
  gpus: GpusRepository;
  providers: ProvidersRepository;
  index: IndexRepository;
  /** The escrows of the index, read and followed by offchain. */
  escrows: IndexedEscrows;
  credentials: CredentialsService;
  clock: Clock;
  log: Logger;
  network: NetworkName;
  /** Wall-clock length of one billing hour (seconds); a devnet makes it short. */
  billingHourS: number;
  /** Blocks before its inclusion an opening escrow's startHeight may lie (see ESCROW_START_SLACK_BLOCKS). */
  escrowStartSlackBlocks: number;
  /** Blocks a Failed rental's escrow may stay unspent before the arbiter refunds it. */
  failedEscrowRefundAfterBlocks: number;
  /** Rentals one consumer may hold awaiting funding (each reserves a GPU before any payment). */
  maxUnfundedRentals: number;
  chain?: RentalChain;
  settlement?: Settlement;
  /** Arbiter refunds of escrows the rental cannot take. */
  refunds: EscrowRefunds;
}

const TERMINAL: readonly InstanceState[] = ENDED_STATES;
/** A credential is issued while the rental runs or is about to; a stopping one needs none. */
const CREDENTIAL_STATES: readonly InstanceState[] = LIVE_STATES.filter((state) => state !== "Stopping");

/** Rentals: creation with the escrow transaction, funding from the index, the state machine, settlement. */
export class InstancesService {
  constructor(private readonly d: InstancesDeps) {}

  async create(
    principal: Principal,
    input: CreateInstanceInput,
  ): Promise<{ instance: Instance; unsignedTx: EIP12UnsignedTransaction }> {
    const gpu = await this.d.gpus.find(input.gpuId);
    assert(gpu && gpu.position >= 0 && gpu.listed, 404, `GPU offer ${input.gpuId} is not listed`);
    assert(
      gpu.online && gpu.rented_by === null,
      409,
      `GPU offer ${input.gpuId} is offline or rented; pick another`,
    );
    assert(
      input.hours >= gpu.min_hours && input.hours <= gpu.max_hours,
      400,
      `This offer rents for ${gpu.min_hours} to ${gpu.max_hours} hours; ask for a number of hours in that range`,
    );
    const amount = gpu.price_per_hour * BigInt(input.hours);
    await this.assertCanRent(principal.address, amount);
    const chain = this.d.chain;
    assert(
      chain,
      503,
      "The marketplace has no chain connection configured; set ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE",
    );
    const provider = await this.d.providers.find(gpu.provider_id);
    assert(provider, 404, `Provider of GPU offer ${input.gpuId} not found`);

    const id = randomUUID();
    const unsignedTx = await chain.openEscrowTx({
      rentalId: rentalIdOf(id),
      consumerAddress: principal.address,
      providerAddress: provider.owner_address,
      pricePerHour: gpu.price_per_hour,
      prepaidHours: input.hours,
    });
    await this.d.db.transaction(async () => {
      await this.d.repo.lockConsumer(principal.address);
      await this.assertCanRent(principal.address, amount);
      const now = this.d.clock.now();
      await this.d.repo.insert(
        {
          id,
          consumer_address: principal.address,
          provider_id: gpu.provider_id,
          gpu_id: gpu.id,
          image: input.image,
          cmd: input.cmd ?? null,
          env: input.env ?? null,
          ports: input.ports ?? null,
          hours: input.hours,
          price_per_hour: gpu.price_per_hour,
          amount,
        },
        now,
      );
      assert(await this.d.gpus.reserve(gpu.id, id), 409, `GPU offer ${gpu.id} was just rented; pick another`);
    });
    this.d.log.info("INSTANCE_CREATED", { instanceId: id, gpuId: gpu.id, hours: input.hours, amount });
    return { instance: await this.get(principal, id), unsignedTx };
  }

  /** Submits the wallet-signed escrow transaction; the rental turns Funded once the indexer sees the box. */
  async fund(principal: Principal, id: string, signedTx: SignedTx): Promise<Instance> {
    const row = await this.consumerOwned(principal, id);
    assert(
      row.state === "Created",
      409,
      `Instance ${id} is ${row.state}; only a Created instance takes funding`,
    );
    const chain = this.d.chain;
    assert(chain, 503, "The marketplace has no chain connection configured; set ERGO_NODE_URL");
    let txId: string;
    try {
      txId = await chain.submit(signedTx);
    } catch (error) {
      throw new HttpError(422, `The node rejected the escrow transaction: ${(error as Error).message}`);
    }
    await this.d.repo.setEscrowTx(id, txId, this.d.clock.now());
    this.d.log.info("INSTANCE_FUNDING_SUBMITTED", { instanceId: id, txId });
    return this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<Instance> {
    const row = await this.d.repo.find(id);
    assert(row && (await this.canSee(principal, row)), 404, `Instance ${id} not found`);
    return toInstance(row);
  }

  async list(principal: Principal, query: { state?: InstanceState; page: number; limit: number }) {
    const { rows, total } = await this.d.repo.listByConsumer(
      principal.address,
      query.state,
      query.page,
      query.limit,
    );
    return { items: rows.map(toInstance), page: query.page, limit: query.limit, total };
  }

  /** The consumer stops the rental: the executor winds it down and settles (cooperative close). */
  async stop(principal: Principal, id: string): Promise<Instance> {
    await this.consumerOwned(principal, id);
    await this.move(id, (row) => (row.state === "Created" ? "Failed" : "Stopping"), {
      reason: "user_stopped",
    });
    return this.get(principal, id);
  }

  /**
   * The provider's executor reports progress. It speaks only for its own side: it never closes a rental as the
   * arbiter or as provider_down (the marketplace's verdicts, the ones it settles), never touches a rental not
   * yet funded, and a rental it fails stays disputable and refundable while its escrow is unspent.
   */
  async report(
    principal: Principal,
    id: string,
    event: { state: InstanceState; reason?: ExecutorReason; detail?: string; billedSeconds?: number },
  ) {
    const row = await this.d.repo.find(id);
    const provider = row && (await this.d.providers.find(row.provider_id));
    assert(
      row && provider?.owner_address === principal.address,
      404,
      `Instance ${id} not found among your provider's`,
    );
    assert(
      row.state !== "Created",
      409,
      `Instance ${id} is not funded yet; an executor reports only on rentals it was given`,
    );
    const { reason, detail } = executorClose(event.state, event.reason, event.detail);
    // An executor repeats the state the instance is already in (e.g. Stopping after a consumer's stop through the
    // marketplace, or a retried delivery): nothing to do, so success rather than a 409 that blocks its outbox.
    await this.move(
      id,
      () => event.state,
      { reason, detail, billedSeconds: event.billedSeconds },
      { sameStateIsNoop: true },
    );
    return toInstance((await this.d.repo.find(id))!);
  }

  /** What the executor of `providerId` must run. */
  async forExecutor(
    principal: Principal,
    providerId: string,
    states: readonly InstanceState[],
  ): Promise<ExecutorInstance[]> {
    const provider = await this.d.providers.find(providerId);
    assert(
      provider?.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    const rows = await this.d.repo.listByProvider(providerId, states);
    const gpus = await this.d.gpus.findMany(rows.map((row) => row.gpu_id));
    return rows.map((row) => toExecutorInstance(row, gpus.get(row.gpu_id)));
  }

  /** A credential for the executor, scoped to this instance and expiring when its prepaid hours end. */
  async credential(principal: Principal, id: string, scope: readonly CredentialScope[]): Promise<Credential> {
    const row = await this.consumerOwned(principal, id);
    assert(
      CREDENTIAL_STATES.includes(row.state),
      409,
      `Instance ${id} is ${row.state}; credentials exist only once it is funded and live`,
    );
    assert(
      row.expires_at && row.expires_at > this.d.clock.now(),
      410,
      `The prepaid time of instance ${id} is over; top up the escrow`,
    );
    return this.d.credentials.issue({
      instanceId: row.id,
      providerId: row.provider_id,
      consumerAddress: row.consumer_address,
      scope,
      expiresAt: row.expires_at,
    });
  }

  /**
   * Indexer hook: an escrow box was confirmed. A first escrow with exactly the agreed terms funds its
   * instance; a recreated one (claim or top-up, R8 = the previous box) moves the instance to it and extends
   * the prepaid time. An opening escrow the rental cannot take (it is no longer Created, or the terms or clock
   * differ) is queued for an arbiter refund.
   */
  async onEscrowBox(box: IndexedBox): Promise<void> {
    const escrow = this.d.escrows.read(box);
    const id = escrow && instanceIdOf(escrow.rentalId);
    if (!escrow || !id) return;
    await this.d.db.transaction(async () => {
      const row = await this.d.repo.find(id, true);
      if (!row) return;
      if (escrow.parentBoxId === undefined) await this.onOpening(row, box, escrow);
      else if (row.escrow_box_id !== null && escrow.parentBoxId === row.escrow_box_id)
        await this.followIfSuccessor(row, box, escrow);
    });
  }

  private async onOpening(row: InstanceRow, box: IndexedBox, escrow: EscrowState): Promise<void> {
    if (box.boxId === row.opening_box_id || box.boxId === row.escrow_box_id) return; // seen again after a rollback
    const refused =
      row.state === "Created" ? await this.fundFrom(row, box, escrow) : `the rental is already ${row.state}`;
    if (refused) await this.d.refunds.queue(row, escrow, refused);
  }

  /**
   * Moves the instance to `box` only if it genuinely recreated the instance's current escrow box: created by the
   * transaction that spent it, as exactly what a claim or a top-up leaves (`verifySuccessor`).
   */
  private async followIfSuccessor(row: InstanceRow, box: IndexedBox, escrow: EscrowState): Promise<void> {
    const mismatch = await this.d.escrows.successorMismatch(row.escrow_box_id!, escrow);
    if (mismatch) {
      this.d.log.warn("ESCROW_SUCCESSOR_REFUSED", { instanceId: row.id, boxId: box.boxId, mismatch });
      return;
    }
    await this.followEscrow(row, escrow);
  }

  /** Fails Created instances whose escrow did not confirm within `maxAgeMs`, freeing their GPU. */
  async expireUnfunded(maxAgeMs: number): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - maxAgeMs);
    const stale = await this.d.repo.createdBefore(before);
    for (const row of stale)
      await this.move(row.id, () => "Failed", { detail: "escrow not confirmed in time" });
    return stale.length;
  }

  /**
   * Arbiter refund for a rental whose provider went silent: the escrow is resolved with a provider share of 0
   * (the provider keeps the hours it already claimed), then the rental is Failed with reason provider_down.
   */
  async closeProviderDown(id: string): Promise<void> {
    const row = await this.d.repo.find(id);
    if (!row || TERMINAL.includes(row.state)) return;
    let settlementTxId: string | undefined;
    if (row.escrow_box_id && this.d.settlement) settlementTxId = await this.settle(row, 0n);
    else
      this.d.log.warn("REFUND_NOT_SETTLED", {
        instanceId: id,
        detail: "no settlement configured or no escrow box",
      });
    await this.move(id, () => "Failed", {
      reason: "provider_down",
      settlementTxId,
      detail: "missed heartbeats",
    });
    this.d.log.warn("INSTANCE_PROVIDER_DOWN", { instanceId: id, settlementTxId });
  }

  /**
   * The consumer disputes the rental (e.g. the GPU was not as listed); the arbiter resolves it. A Failed rental
   * (an executor can report its own rental Failed) is disputable while its escrow is unspent and unsettled.
   */
  async dispute(principal: Principal, id: string, reason: string): Promise<Instance> {
    const row = await this.consumerOwned(principal, id);
    if (row.state === "Failed") await this.assertEscrowOpen(row);
    const now = this.d.clock.now();
    await this.move(id, () => "Disputed", { disputeReason: reason, disputedAt: now, detail: reason });
    this.d.log.warn("INSTANCE_DISPUTED", { instanceId: id });
    return this.get(principal, id);
  }

  /**
   * Indexer hook after each block: a rental Failed for `failedEscrowRefundAfterBlocks` whose escrow is still
   * unspent (the executor reported it Failed and closed nothing) is refunded by the arbiter with provider share 0:
   * the hours the provider claimed are already paid, the rest goes back to the consumer. At most once per escrow
   * (see `settle`). Resolves to the ids refunded.
   */
  async refundFailedEscrows(height: number): Promise<string[]> {
    if (!this.d.settlement) return [];
    await this.d.repo.stampFailedHeight(height);
    const refunded: string[] = [];
    for (const row of await this.d.repo.failedWithUnspentEscrow(
      height - this.d.failedEscrowRefundAfterBlocks,
    )) {
      try {
        if (row.settlement_tx_id && (await this.d.settlement.status(row.settlement_tx_id)) !== "unknown")
          continue;
        const txId = await this.settle(row, 0n);
        this.d.log.warn("FAILED_ESCROW_REFUNDED", { instanceId: row.id, boxId: row.escrow_box_id, txId });
        refunded.push(row.id);
      } catch (error) {
        this.d.log.warn("FAILED_ESCROW_REFUND_FAILED", { instanceId: row.id, error });
      }
    }
    return refunded;
  }

  /**
   * The arbiter resolves a dispute on chain: `providerShare` GPUC units (gross; the fee is taken from it) to the
   * provider, the rest of the escrow to the consumer. The rental ends Resolved with reason arbiter.
   */
  async resolve(id: string, providerShare: bigint): Promise<Instance> {
    const row = await this.d.repo.find(id);
    assert(row, 404, `Instance ${id} not found`);
    assert(
      row.state === "Disputed",
      409,
      `Instance ${id} is ${row.state}; only a Disputed instance is resolved`,
    );
    assert(row.escrow_box_id, 409, `Instance ${id} has no escrow on chain to resolve`);
    assert(this.d.settlement, 503, "The marketplace has no arbiter key configured; set ARBITER_SECRET_HEX");
    let settlementTxId: string;
    try {
      settlementTxId = await this.settle(row, providerShare);
    } catch (error) {
      if (error instanceof SettlementBoxMissingError) throw new HttpError(409, error.message);
      throw error;
    }
    await this.move(id, () => "Resolved", {
      reason: "arbiter",
      settlementTxId,
      detail: `provider share ${providerShare} GPUC units`,
    });
    this.d.log.info("INSTANCE_RESOLVED", { instanceId: id, providerShare, settlementTxId });
    return toInstance((await this.d.repo.find(id))!);
  }

  /** The unsigned `extendEscrow` transaction adding `hours` prepaid hours, for the consumer's wallet to sign. */
  async extendTx(
    principal: Principal,
    id: string,
    hours: number,
  ): Promise<{ instance: Instance; unsignedTx: EIP12UnsignedTransaction }> {
    const row = this.live(await this.consumerOwned(principal, id));
    const gpu = await this.d.gpus.find(row.gpu_id);
    const most = gpu?.max_hours ?? row.hours;
    assert(
      row.hours + hours <= most,
      400,
      `This offer rents for at most ${most} hours and ${row.hours} are prepaid; add at most ${most - row.hours}`,
    );
    const amount = row.price_per_hour * BigInt(hours);
    await this.assertAffordable(
      principal.address,
      amount,
      (await this.d.repo.unfundedOf(principal.address)).amount,
    );
    const chain = this.d.chain;
    assert(chain, 503, "The marketplace has no chain connection configured; set ERGO_NODE_URL");
    const unsignedTx = await chain.extendEscrowTx({
      escrowBoxId: row.escrow_box_id!,
      consumerAddress: principal.address,
      hours,
    });
    this.d.log.info("INSTANCE_TOPUP_BUILT", { instanceId: id, hours, amount });
    return { instance: toInstance(row), unsignedTx };
  }

  /** Submits the wallet-signed top-up; the indexer grows the hours when the recreated escrow confirms. */
  async extendFunding(principal: Principal, id: string, signedTx: SignedTx): Promise<Instance> {
    const row = this.live(await this.consumerOwned(principal, id));
    assert(
      signedTx.inputs.some((input) => input.boxId === row.escrow_box_id),
      422,
      `This transaction does not spend the escrow box ${row.escrow_box_id} of instance ${id}; sign the top-up from POST /extend`,
    );
    const chain = this.d.chain;
    assert(chain, 503, "The marketplace has no chain connection configured; set ERGO_NODE_URL");
    let txId: string;
    try {
      txId = await chain.submit(signedTx);
    } catch (error) {
      throw new HttpError(422, `The node rejected the top-up transaction: ${(error as Error).message}`);
    }
    this.d.log.info("INSTANCE_TOPUP_SUBMITTED", { instanceId: id, txId });
    return toInstance(row);
  }

  /**
   * Indexer hook after a rollback: an instance whose escrow box was unwound goes back to the escrow still on
   * chain (a top-up or claim was undone), or — when it was funded by the unwound block — back to Created, to
   * be funded again when the transaction is re-mined.
   */
  async onRollback(): Promise<void> {
    for (const stale of await this.d.repo.withUnwoundEscrow()) {
      await this.d.db.transaction(async () => {
        const row = await this.d.repo.find(stale.id, true);
        if (!row?.escrow_box_id || (await this.d.index.box(row.escrow_box_id))) return;
        await this.rewind(row);
      });
    }
  }

  /**
   * Re-follows the escrow lineage from the box the consumer opened (never "any box naming the rental": anyone can
   * create one) to its last indexed recreation.
   */
  private async rewind(row: InstanceRow): Promise<void> {
    const now = this.d.clock.now();
    const escrow = row.opening_box_id ? await this.d.escrows.tip(row.opening_box_id) : undefined;
    if (escrow) {
      const fewer = row.hours - escrow.prepaidHours;
      const expiresAt =
        row.expires_at && new Date(row.expires_at.getTime() - fewer * this.d.billingHourS * 1000);
      await this.d.repo.revertEscrow(row, escrow.boxId, escrow.prepaidHours, expiresAt, now);
      this.d.log.warn("INSTANCE_ESCROW_REWOUND", { instanceId: row.id, boxId: escrow.boxId });
    } else if (row.state === "Funded") {
      await this.d.repo.unfund(row, "the block funding the escrow was rolled back", now);
      this.d.log.warn("INSTANCE_FUNDING_ROLLED_BACK", { instanceId: row.id, escrowTxId: row.escrow_tx_id });
    } else {
      // Already running: the executor bills against the escrow, which a re-mined transaction restores.
      this.d.log.warn("INSTANCE_ESCROW_UNWOUND", { instanceId: row.id, state: row.state });
    }
  }

  /**
   * Arbiter resolve, at most once per escrow: a settlement submitted earlier (persisted before it was sent) that
   * the chain still knows is reused; otherwise a new one is signed, persisted and submitted.
   */
  private async settle(row: InstanceRow, providerShare: bigint): Promise<string> {
    const settlement = this.d.settlement!;
    if (row.settlement_tx_id && (await settlement.status(row.settlement_tx_id)) !== "unknown") {
      this.d.log.info("SETTLEMENT_ALREADY_SUBMITTED", { instanceId: row.id, txId: row.settlement_tx_id });
      return row.settlement_tx_id;
    }
    const txId = await settlement.resolve(row.escrow_box_id!, providerShare, (signedId) =>
      this.d.repo.setSettlementTx(row.id, signedId, this.d.clock.now()),
    );
    this.d.log.info("SETTLEMENT_SUBMITTED", { instanceId: row.id, txId, providerShare });
    return txId;
  }

  /**
   * A rental reserves its GPU before it is paid, so one wallet may hold only `maxUnfundedRentals` awaiting
   * funding, and the GPUC those will take is not available to another.
   */
  private async assertCanRent(address: string, amount: bigint): Promise<void> {
    const unfunded = await this.d.repo.unfundedOf(address);
    if (unfunded.count >= this.d.maxUnfundedRentals)
      throw new TooManyUnfundedRentalsError(unfunded.count, this.d.maxUnfundedRentals);
    await this.assertAffordable(address, amount, unfunded.amount);
  }

  /** The indexed GPUC of `address`, less what its rentals awaiting funding will take, covers `amount`. */
  private async assertAffordable(address: string, amount: bigint, committed: bigint): Promise<void> {
    const balance = await this.d.index.gpucBalance(p2pkTree(address, this.d.network));
    const available = balance > committed ? balance - committed : 0n;
    if (available < amount) throw new InsufficientFundsError(amount, available);
  }

  /** A Failed rental is disputable only while its escrow is on chain, unspent, and no refund was signed. */
  private async assertEscrowOpen(row: InstanceRow): Promise<void> {
    const box = row.escrow_box_id ? await this.d.index.box(row.escrow_box_id) : undefined;
    assert(
      box && box.spentTxId === null && row.settlement_tx_id === null,
      409,
      `Instance ${row.id} is Failed and its escrow is settled or gone; there is nothing left to dispute`,
    );
  }

  private live(row: InstanceRow): InstanceRow {
    assert(
      CREDENTIAL_STATES.includes(row.state) && row.escrow_box_id,
      409,
      `Instance ${row.id} is ${row.state}; only a funded, live instance can be topped up`,
    );
    return row;
  }

  /** Funds the instance from its opening escrow; resolves to why not when the escrow does not match. */
  private async fundFrom(
    row: InstanceRow,
    box: IndexedBox,
    escrow: EscrowState,
  ): Promise<string | undefined> {
    const provider = await this.d.providers.find(row.provider_id);
    const mismatch = provider
      ? await this.d.escrows.openingMismatch(box, escrow, this.openingTerms(row, provider.owner_address))
      : "the rental's provider is gone";
    if (mismatch) {
      this.d.log.warn("ESCROW_TERMS_MISMATCH", { instanceId: row.id, boxId: escrow.boxId, mismatch });
      return mismatch;
    }
    const now = this.d.clock.now();
    await this.d.repo.transition(
      row,
      "Funded",
      {
        escrowBoxId: escrow.boxId,
        openingBoxId: escrow.boxId,
        startHeight: escrow.startHeight,
        fundedAt: now,
        expiresAt: new Date(now.getTime() + row.hours * this.d.billingHourS * 1000),
      },
      now,
    );
    this.d.log.info("INSTANCE_FUNDED", { instanceId: row.id, boxId: escrow.boxId });
    return undefined;
  }

  /**
   * The escrow the consumer opened must carry exactly the agreed parties, price, hours and GPUC, nothing paid, and
   * a billing clock that starts near the block that includes it: a start in the future leaves nothing claimable
   * (the provider would work unpaid and the consumer exit owing nothing); one long before it would let the
   * provider claim hours never served (ESCROW_START_SLACK_BLOCKS).
   */
  private openingTerms(row: InstanceRow, providerAddress: string): OpeningTerms {
    return {
      consumer: p2pkTree(row.consumer_address, this.d.network),
      provider: p2pkTree(providerAddress, this.d.network),
      pricePerHour: row.price_per_hour,
      prepaidHours: row.hours,
      gpuc: row.amount,
      startSlackBlocks: this.d.escrowStartSlackBlocks,
    };
  }

  private async followEscrow(row: InstanceRow, escrow: EscrowState): Promise<void> {
    const extra = escrow.prepaidHours - row.hours;
    const expiresAt =
      extra > 0 && row.expires_at
        ? new Date(row.expires_at.getTime() + extra * this.d.billingHourS * 1000)
        : undefined;
    await this.d.repo.transition(
      row,
      row.state,
      { escrowBoxId: escrow.boxId, hours: escrow.prepaidHours, expiresAt },
      this.d.clock.now(),
    );
    if (extra > 0) this.d.log.info("INSTANCE_TOPPED_UP", { instanceId: row.id, hours: escrow.prepaidHours });
  }

  /**
   * Applies one transition under a row lock; closing states need a reason; terminal ones free the GPU. With
   * `sameStateIsNoop`, a move to the current state changes nothing (the first reason and detail stand).
   */
  private async move(
    id: string,
    to: (row: InstanceRow) => InstanceState,
    fields: TransitionFields,
    options: { sameStateIsNoop?: boolean } = {},
  ): Promise<void> {
    await this.d.db.transaction(async () => {
      const row = await this.d.repo.find(id, true);
      assert(row, 404, `Instance ${id} not found`);
      const target = to(row);
      if (options.sameStateIsNoop && target === row.state) {
        this.d.log.info("INSTANCE_EVENT_REPEATED", {
          instanceId: id,
          state: target,
          reason: fields.reason,
          closeReason: row.close_reason,
        });
        return;
      }
      assertTransition(row.state, target);
      const reason = fields.reason ?? row.close_reason ?? undefined;
      // A rental that never got funded closes without a reason: nothing was paid, nothing settles.
      assert(
        !isClosing(target) || reason || row.state === "Created",
        400,
        `Moving to ${target} needs a reason (${"user_stopped, funds_exhausted, provider_down, provider_rejected, arbiter"})`,
      );
      await this.d.repo.transition(row, target, { ...fields, reason }, this.d.clock.now());
      if (TERMINAL.includes(target)) await this.d.gpus.release(row.gpu_id, row.id);
    });
  }

  private async consumerOwned(principal: Principal, id: string): Promise<InstanceRow> {
    const row = await this.d.repo.find(id);
    assert(row && row.consumer_address === principal.address, 404, `Instance ${id} not found among yours`);
    return row;
  }

  private async canSee(principal: Principal, row: InstanceRow): Promise<boolean> {
    if (row.consumer_address === principal.address) return true;
    return (await this.d.providers.find(row.provider_id))?.owner_address === principal.address;
  }
}

/**
 * The close reason an executor's event records: an executor's provider_down (its container vanished) is its own
 * failure, provider_rejected; a rental it fails ends provider_rejected and nothing else.
 */
function executorClose(
  state: InstanceState,
  reason: ExecutorReason | undefined,
  detail: string | undefined,
): { reason?: CloseReason; detail?: string } {
  if (reason === "provider_down")
    return {
      reason: "provider_rejected",
      detail: `executor reported provider_down${detail ? `: ${detail}` : ""}`,
    };
  if (state !== "Failed") return { reason, detail };
  assert(
    reason === undefined || reason === "provider_rejected",
    400,
    `An executor fails a rental with reason provider_rejected, not ${reason}; stop it (Stopping) to close it otherwise`,
  );
  return { reason: "provider_rejected", detail };
}

function toExecutorInstance(row: InstanceRow, gpu: GpuRow | undefined): ExecutorInstance {
  return {
    id: row.id,
    state: row.state,
    image: row.image,
    cmd: row.cmd ?? undefined,
    env: row.env ?? undefined,
    ports: row.ports ?? undefined,
    gpuIds: gpu?.device_ids ?? [],
    hours: row.hours,
    pricePerHour: row.price_per_hour.toString(),
    escrowBoxId: row.escrow_box_id,
    startHeight: row.start_height,
    expiresAt: row.expires_at?.toISOString() ?? null,
    consumerAddress: row.consumer_address,
    limits: {
      cpus: gpu?.cpu_cores ?? 1,
      memoryMb: (gpu?.ram_gb ?? 1) * 1024,
      pids: 4096,
      diskGb: gpu?.disk_gb ?? 10,
    },
  };
}

function toInstance(row: InstanceRow): Instance {
  return {
    id: row.id,
    state: row.state,
    consumerAddress: row.consumer_address,
    providerId: row.provider_id,
    gpuId: row.gpu_id,
    image: row.image,
    cmd: row.cmd,
    ports: row.ports,
    hours: row.hours,
    pricePerHour: row.price_per_hour.toString(),
    amount: row.amount.toString(),
    escrowTxId: row.escrow_tx_id,
    escrowBoxId: row.escrow_box_id,
    startHeight: row.start_height,
    fundedAt: row.funded_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    closeReason: row.close_reason,
    billedSeconds: row.billed_seconds === null ? null : Number(row.billed_seconds),
    settlementTxId: row.settlement_tx_id,
    disputeReason: row.dispute_reason,
    executorUrl: row.executor_url,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
