import { randomUUID } from "node:crypto";
import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { IndexStore } from "@gpuc/indexer";
import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import type { Instance } from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { type RentalChain, rentalIdOf, type SignedTx } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import { InsufficientFundsError, ProviderOfflineError, TooManyUnfundedRentalsError } from "../core/errors.ts";
import type { Principal } from "../core/route.ts";
import type { CredentialsService } from "../credentials/credentials.service.ts";
import type { GpuRow, GpusRepository } from "../gpus/gpus.repository.ts";
import type { ProviderRow, ProvidersRepository } from "../providers/providers.repository.ts";
import type { ExecutorPrecheck } from "./executor-precheck.ts";
import { CREDENTIAL_STATES, toInstance } from "./instance-views.ts";
import type { InstanceRow, InstancesRepository } from "./instances.repository.ts";
import type { InstanceTransitions } from "./transitions.ts";

export interface CreateInstanceInput {
  gpuId: string;
  hours: number;
  image: string;
  cmd?: string[];
  env?: Record<string, string>;
  ports?: number[];
}

export interface FundingDeps {
  db: Database;
  repo: InstancesRepository;
  gpus: GpusRepository;
  providers: ProvidersRepository;
  index: IndexStore;
  transitions: InstanceTransitions;
  /** Builds the escrow transactions and submits what the consumer's wallet signed. */
  chain: RentalChain;
  clock: Clock;
  log: Logger;
  network: NetworkName;
  /** Rentals one consumer may hold awaiting funding (each reserves a GPU before any payment). */
  maxUnfundedRentals: number;
  /** Seconds between an executor's heartbeats: an offer whose executor missed one is not rented. */
  heartbeatIntervalS: number;
  /** Signs the marketplace's pre-check credential. */
  credentials: CredentialsService;
  /** Asks the offer's executor whether it would run the rental, before any escrow is built. */
  precheck: ExecutorPrecheck;
}

/** A heartbeat may be this late (in intervals) and its provider still count as online: one may be in flight. */
const HEARTBEAT_GRACE = 1.5;

/** Money in: renting an offer (the opening escrow) and topping a live rental up (the extended escrow). */
export class FundingService {
  constructor(private readonly d: FundingDeps) {}

  /**
   * Reserves the GPU and builds the escrow for the consumer's wallet to sign. Everything that would refuse the
   * rental (listing, availability, hours, funds) is checked before anything is built or reserved.
   */
  async create(
    principal: Principal,
    input: CreateInstanceInput,
  ): Promise<{ instance: Instance; unsignedTx: EIP12UnsignedTransaction }> {
    const gpu = await this.rentableOffer(input);
    const amount = gpu.price_per_hour * BigInt(input.hours);
    await this.assertCanRent(principal.address, amount);
    const provider = await this.d.providers.find(gpu.provider_id);
    assert(provider, 404, `Provider of GPU offer ${input.gpuId} not found`);
    this.assertOnline(gpu, provider.last_heartbeat_at);
    const id = randomUUID();
    await this.precheck(id, principal, gpu, provider, input);

    const unsignedTx = await this.d.chain.openEscrowTx({
      rentalId: rentalIdOf(id),
      consumerAddress: principal.address,
      providerAddress: provider.owner_address,
      pricePerHour: gpu.price_per_hour,
      prepaidHours: input.hours,
    });
    await this.d.db.transaction(async () => {
      // Serialises one consumer's rentals, so two at once cannot both spend the same balance.
      await this.d.repo.lockConsumer(principal.address);
      await this.assertCanRent(principal.address, amount);
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
        this.d.clock.now(),
      );
      assert(await this.d.gpus.reserve(gpu.id, id), 409, `GPU offer ${gpu.id} was just rented; pick another`);
    });
    this.d.log.info("INSTANCE_CREATED", { instanceId: id, gpuId: gpu.id, hours: input.hours, amount });
    return { instance: toInstance((await this.d.repo.find(id))!), unsignedTx };
  }

  /** Submits the wallet-signed escrow transaction; the rental turns Funded once the indexer sees the box. */
  async fund(principal: Principal, id: string, signedTx: SignedTx): Promise<Instance> {
    const row = await this.d.transitions.consumerOwned(principal, id);
    assert(
      row.state === "Created",
      409,
      `Instance ${id} is ${row.state}; only a Created instance takes funding`,
    );
    const txId = await this.submit(signedTx, "escrow");
    crashPoint("marketplace.escrow.submitted");
    await this.d.repo.setEscrowTx(id, txId, this.d.clock.now());
    this.d.log.info("INSTANCE_FUNDING_SUBMITTED", { instanceId: id, txId });
    return toInstance((await this.d.repo.find(id))!);
  }

  /** The unsigned `extendEscrow` transaction adding `hours` prepaid hours, for the consumer's wallet to sign. */
  async extendTx(
    principal: Principal,
    id: string,
    hours: number,
  ): Promise<{ instance: Instance; unsignedTx: EIP12UnsignedTransaction }> {
    const row = live(await this.d.transitions.consumerOwned(principal, id));
    const gpu = await this.d.gpus.find(row.gpu_id);
    const most = gpu?.max_hours ?? row.hours;
    assert(
      row.hours + hours <= most,
      400,
      `This offer rents for at most ${most} hours and ${row.hours} are prepaid; add at most ${most - row.hours}`,
    );
    const amount = row.price_per_hour * BigInt(hours);
    const unfunded = await this.d.repo.unfundedOf(principal.address);
    await this.assertAffordable(principal.address, amount, unfunded.amount);
    const unsignedTx = await this.d.chain.extendEscrowTx({
      escrowBoxId: row.escrow_box_id!,
      consumerAddress: principal.address,
      hours,
    });
    this.d.log.info("INSTANCE_TOPUP_BUILT", { instanceId: id, hours, amount });
    return { instance: toInstance(row), unsignedTx };
  }

  /** Submits the wallet-signed top-up; the indexer grows the hours when the recreated escrow confirms. */
  async extendFunding(principal: Principal, id: string, signedTx: SignedTx): Promise<Instance> {
    const row = live(await this.d.transitions.consumerOwned(principal, id));
    assert(
      signedTx.inputs.some((input) => input.boxId === row.escrow_box_id),
      422,
      `This transaction does not spend the escrow box ${row.escrow_box_id} of instance ${id}; sign the top-up from POST /extend`,
    );
    const txId = await this.submit(signedTx, "top-up");
    this.d.log.info("INSTANCE_TOPUP_SUBMITTED", { instanceId: id, txId });
    return toInstance(row);
  }

  private async rentableOffer(input: CreateInstanceInput): Promise<GpuRow> {
    const gpu = await this.d.gpus.find(input.gpuId);
    assert(gpu && gpu.position >= 0 && gpu.listed, 404, `GPU offer ${input.gpuId} is not listed`);
    assert(gpu.rented_by === null, 409, `GPU offer ${input.gpuId} is rented; pick another`);
    assert(
      input.hours >= gpu.min_hours && input.hours <= gpu.max_hours,
      400,
      `This offer rents for ${gpu.min_hours} to ${gpu.max_hours} hours; ask for a number of hours in that range`,
    );
    return gpu;
  }

  /**
   * The executor checks what only it knows (its registry list, the image, its ports, its free GPUs). An executor
   * that announced no endpoint in its heartbeats cannot be asked; it checks the rental when it takes it on.
   */
  private async precheck(
    id: string,
    principal: Principal,
    gpu: GpuRow,
    provider: ProviderRow,
    input: CreateInstanceInput,
  ): Promise<void> {
    if (!provider.executor_url) {
      this.d.log.warn("RENTAL_PRECHECK_SKIPPED", {
        providerId: provider.id,
        detail: "no executor endpoint announced",
      });
      return;
    }
    const token = await this.d.credentials.precheckToken({
      instanceId: id,
      providerId: provider.id,
      consumerAddress: principal.address,
    });
    await this.d.precheck.check(provider.executor_url, token, id, {
      image: input.image,
      ...(input.ports ? { ports: input.ports } : {}),
      gpuIds: gpu.device_ids,
    });
  }

  private assertOnline(gpu: GpuRow, lastHeartbeatAt: Date | null): void {
    const silentMs = lastHeartbeatAt ? this.d.clock.now().getTime() - lastHeartbeatAt.getTime() : Infinity;
    if (!gpu.online || silentMs > this.d.heartbeatIntervalS * 1000 * HEARTBEAT_GRACE)
      throw new ProviderOfflineError(gpu.id, lastHeartbeatAt);
  }

  private async submit(signedTx: SignedTx, what: string): Promise<string> {
    try {
      return await this.d.chain.submit(signedTx);
    } catch (error) {
      throw new HttpError(422, `The node rejected the ${what} transaction: ${(error as Error).message}`);
    }
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
}

function live(row: InstanceRow): InstanceRow {
  assert(
    CREDENTIAL_STATES.includes(row.state) && row.escrow_box_id,
    409,
    `Instance ${row.id} is ${row.state}; only a funded, live instance can be topped up`,
  );
  return row;
}
