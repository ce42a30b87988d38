import {
  buildClaimTx,
  buildProviderCloseTx,
  type ChainBox,
  type ChainClient,
  type EscrowState as ChainEscrow,
  checkFunded,
  checkOpening,
  claimableHours,
  DEFAULT_ESCROW_START_SLACK_BLOCKS,
  type EscrowLineageOptions,
  escrowOrigin,
  escrowSuccessor,
  followEscrow,
  type LineageView,
  nodeEscrowView,
  parseConfigBox,
  providerCloseCap,
  type readDeployment,
  type Signer,
  spenderOf,
  toErgoTree,
} from "@gpuc/offchain";
import { crashPoint, type Logger } from "@gpuc/platform";
import {
  EscrowClosedError,
  EscrowRefusedError,
  EscrowUnresolvedError,
  PeriodAlreadyClaimedError,
  SettlementRejectedError,
} from "./errors.ts";
import { asRefusal, asRejection } from "./lineage-errors.ts";
import type {
  ClaimItem,
  ClaimProof,
  CloseRequest,
  EscrowRef,
  EscrowState,
  Settlement,
  SubmittedTx,
} from "./settlement.ts";

/** A GPUC deployment (network, token ids, compiled contracts), as `readDeployment` loads it. */
export type Deployment = ReturnType<typeof readDeployment>;
type UnsignedTx = ReturnType<typeof buildClaimTx>;

export interface ChainSettlementOptions {
  readonly chain: ChainClient;
  readonly deployment: Deployment;
  /** The provider's wallet key: it is named by the escrows, signs claims and closes, and pays the miner fee. */
  readonly signer: Pick<Signer, "address" | "sign">;
  readonly log: Logger;
  /** Miner fee per transaction, nanoERG (default Fleet's recommended 0.0011 ERG). */
  readonly fee?: bigint;
  /**
   * Blocks before its inclusion an opening escrow's startHeight may lie (default 15, as the marketplace's
   * ESCROW_START_SLACK_BLOCKS): room for the opening transaction to wait in the mempool.
   */
  readonly startSlackBlocks?: number;
}

/** Escrows recreated more often than this (one per claim or extension) are not followed: something is off. */
const MAX_LINEAGE = 10_000;

/**
 * Settles rentals on chain with the Rental Escrow's provider paths: elapsed periods of many rentals in one claim
 * transaction, the last partial period by provider close (capped at the blocks elapsed), signed with the
 * provider key and submitted to the node. Each rental's escrow is followed from its opening box through every
 * recreation (mempool included), so `escrowState` is what the chain will hold once submitted transactions confirm.
 *
 * @example
 * const settlement = new ChainSettlement({ chain: new NodeChainClient(url), deployment, signer, log });
 */
export class ChainSettlement implements Settlement {
  readonly kind = "chain";
  readonly #o: ChainSettlementOptions;
  /** The node as the escrow lineage reads it, mempool included. */
  readonly #view: LineageView;
  /** Last box known to be a rental's genuine escrow: following starts there instead of at the opening box. */
  readonly #tips = new Map<string, ChainEscrow>();

  constructor(options: ChainSettlementOptions) {
    this.#o = options;
    this.#view = nodeEscrowView(options.chain, options.deployment);
  }

  async claim(items: readonly ClaimItem[], proof: ClaimProof = {}): Promise<SubmittedTx> {
    const { configBox, blocksPerHour, height } = await this.#context();
    const claims = [];
    for (const item of items) {
      const escrow = await this.#open(item.escrow);
      checkClaim(item, escrow, claimableHours(escrow, height + 1, blocksPerHour), height + 1);
      claims.push({ escrowBox: escrow.box, hours: item.toPeriod - item.fromPeriod + 1 });
    }
    const tx = buildClaimTx({
      deployment: this.#o.deployment,
      configBox,
      height,
      provider: this.#o.signer.address,
      claims,
      receiptsRoot: proof.receiptsRoot,
      ...(await this.#funding()),
    });
    return {
      txId: await this.#submit(
        tx,
        items.map((item) => item.escrow),
        "claim",
      ),
    };
  }

  async close(request: CloseRequest): Promise<SubmittedTx> {
    const { instanceId } = request.escrow;
    const { configBox, blocksPerHour, height } = await this.#context();
    const escrow = await this.#open(request.escrow);
    if (escrow.paidHours !== request.claimedPeriods) {
      throw new SettlementRejectedError(
        instanceId,
        `the escrow has paid ${escrow.paidHours} periods, the close assumed ${request.claimedPeriods}`,
      );
    }
    const cap = min(providerCloseCap(escrow, height + 1, blocksPerHour), escrow.gpuc);
    const providerAmount = min(request.providerAmount, cap);
    const tx = buildProviderCloseTx({
      deployment: this.#o.deployment,
      configBox,
      height,
      provider: this.#o.signer.address,
      escrowBox: escrow.box,
      providerShare: providerAmount,
      receiptsRoot: request.receiptsRoot,
      ...(await this.#funding()),
    });
    const txId = await this.#submit(tx, [request.escrow], "close");
    if (providerAmount < request.providerAmount) {
      this.#o.log.info("PROVIDER_CLOSE_CAPPED", { instanceId, asked: request.providerAmount, cap, height });
    }
    return { txId, settled: { providerAmount, consumerRefund: escrow.gpuc - providerAmount } };
  }

  async escrowState(ref: EscrowRef): Promise<EscrowState> {
    const { escrow, paidHours } = await this.#current(ref);
    if (!escrow) return { paidPeriods: paidHours, closed: true };
    const { blocksPerHour, height } = await this.#context();
    return {
      paidPeriods: escrow.paidHours,
      closed: false,
      claimablePeriods: claimableHours(escrow, height + 1, blocksPerHour),
      prepaidPeriods: escrow.prepaidHours,
    };
  }

  async verify(ref: EscrowRef): Promise<EscrowRef> {
    const opening = await asRefusal(ref.instanceId, async () => {
      const origin = await escrowOrigin(this.#view, ref.escrowBoxId, this.#lineage(ref));
      checkOpening(origin.escrow, origin.inclusionHeight, {
        provider: toErgoTree(this.#o.signer.address),
        startSlackBlocks: this.#o.startSlackBlocks ?? DEFAULT_ESCROW_START_SLACK_BLOCKS,
      });
      return origin.escrow;
    });
    const followed = { ...ref, escrowBoxId: opening.boxId };
    const { escrow } = await this.#current(followed);
    if (!escrow) throw new EscrowRefusedError(ref.instanceId, "the escrow is already closed");
    await asRefusal(ref.instanceId, async () => checkFunded(escrow));
    return {
      ...followed,
      startHeight: escrow.startHeight,
      prepaidPeriods: escrow.prepaidHours,
      pricePerPeriod: escrow.pricePerHour,
    };
  }

  /** The rental's current escrow, or `EscrowClosedError`. */
  async #open(ref: EscrowRef): Promise<ChainEscrow> {
    const { escrow } = await this.#current(ref);
    if (!escrow) throw new EscrowClosedError(ref.instanceId);
    return escrow;
  }

  /**
   * Follows the escrow from the last known box; `paidHours` of the last box seen when it is closed. A remembered
   * box may belong to a transaction that never confirmed (dropped from the mempool, rolled back, beaten by the
   * consumer's exit): when the chain cannot place it, it is forgotten and the lineage followed again from the
   * opening box, which the chain always knows.
   */
  async #current(ref: EscrowRef): Promise<{ escrow?: ChainEscrow; paidHours: number }> {
    const tip = this.#tips.get(ref.instanceId);
    if (!tip) return this.#follow(ref, ref.escrowBoxId);
    try {
      return await this.#follow(ref, tip);
    } catch (error) {
      if (!(error instanceof EscrowUnresolvedError)) throw error;
      this.#tips.delete(ref.instanceId);
      this.#o.log.warn("ESCROW_TIP_FORGOTTEN", { instanceId: ref.instanceId, boxId: error.boxId });
      return this.#follow(ref, ref.escrowBoxId);
    }
  }

  /** Follows the lineage (the exact outputs the contract pins, mempool included) from `from` to where it is now. */
  async #follow(
    ref: EscrowRef,
    from: string | ChainEscrow,
  ): Promise<{ escrow?: ChainEscrow; paidHours: number }> {
    const followed = await asRejection(ref.instanceId, () =>
      followEscrow(this.#view, from, this.#lineage(ref)),
    );
    if (followed.status === "closed") return { paidHours: followed.escrow.paidHours };
    this.#tips.set(ref.instanceId, followed.escrow);
    return { escrow: followed.escrow, paidHours: followed.escrow.paidHours };
  }

  /** Every box of the rental's lineage must be an escrow of this deployment and of this rental. */
  #lineage(ref: EscrowRef): EscrowLineageOptions {
    return {
      deployment: this.#o.deployment,
      rentalId: ref.instanceId.replaceAll("-", "").toLowerCase(),
      maxSteps: MAX_LINEAGE,
    };
  }

  async #context(): Promise<{ configBox: ChainBox; blocksPerHour: number; height: number }> {
    const [configBox] = await this.#o.chain.unspentByTokenId(this.#o.deployment.configNftId);
    if (!configBox) throw new Error(`No Config box (NFT ${this.#o.deployment.configNftId}) on this chain`);
    const { blocksPerHour } = parseConfigBox(configBox, this.#o.deployment.configNftId);
    return { configBox, blocksPerHour, height: await this.#o.chain.height() };
  }

  async #funding() {
    const address = this.#o.signer.address;
    return {
      inputs: await this.#o.chain.unspentByAddress(address),
      changeAddress: address,
      fee: this.#o.fee,
    };
  }

  /**
   * Signs and submits; remembers each spent escrow's successor (the output the contract pins in the signed
   * transaction) so the next call starts from it. Nothing here may throw once submitted: a successor that cannot
   * be read is simply not remembered, and the next call follows the chain.
   */
  async #submit(tx: UnsignedTx, escrows: readonly EscrowRef[], what: "claim" | "close"): Promise<string> {
    const signed = await this.#o.signer.sign(tx, this.#o.chain);
    crashPoint(`executor.${what}.signed`);
    const txId = await this.#o.chain.submit(signed);
    crashPoint(`executor.${what}.submitted`);
    for (const ref of escrows) {
      const spent = this.#tips.get(ref.instanceId);
      if (!spent) continue;
      try {
        const next = escrowSuccessor(spent, spenderOf(signed, spent.boxId), this.#lineage(ref));
        if (next) this.#tips.set(ref.instanceId, next.escrow);
      } catch (error) {
        this.#o.log.warn("ESCROW_SUCCESSOR_UNREAD", { instanceId: ref.instanceId, txId, error });
      }
    }
    return txId;
  }
}

function checkClaim(item: ClaimItem, escrow: ChainEscrow, claimable: number, height: number): void {
  const { instanceId } = item.escrow;
  if (escrow.paidHours >= item.fromPeriod) throw new PeriodAlreadyClaimedError(instanceId, item.fromPeriod);
  if (escrow.paidHours !== item.fromPeriod - 1) {
    throw new SettlementRejectedError(
      instanceId,
      `the escrow has paid ${escrow.paidHours} periods, the claim starts at period ${item.fromPeriod}`,
    );
  }
  if (item.toPeriod > escrow.paidHours + claimable) {
    throw new SettlementRejectedError(
      instanceId,
      `at height ${height} the escrow lets ${claimable} more periods be claimed, not up to period ${item.toPeriod}`,
    );
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
