import { IndexStore } from "@gpuc/indexer";
import { type EscrowDeployment, Signer, type StakeDeployment } from "@gpuc/offchain";
import type { Onramp } from "@gpuc/onramp";
import { createLogger, type Database, type Logger } from "@gpuc/platform";
import type { Bridge } from "@gpuc/rosen-adapter";
import { ApiKeysRepository } from "./auth/api-keys.repository.ts";
import { ApiKeysService } from "./auth/api-keys.service.ts";
import { AuthRepository } from "./auth/auth.repository.ts";
import { AuthService } from "./auth/auth.service.ts";
import type { RentalChain, Settlement } from "./chain/gateway.ts";
import { ChallengesRepository } from "./challenges/challenges.repository.ts";
import { ChallengesService } from "./challenges/challenges.service.ts";
import { ChallengeScheduler } from "./challenges/scheduler.ts";
import { type Clock, systemClock } from "./core/clock.ts";
import type { MarketplaceConfig } from "./core/config.ts";
import { CredentialsService } from "./credentials/credentials.service.ts";
import { loadSigningKey, type SigningKey } from "./credentials/signing-key.ts";
import { ExitService } from "./exits/exit.service.ts";
import { GpusRepository } from "./gpus/gpus.repository.ts";
import { HeartbeatsRepository } from "./heartbeats/heartbeats.repository.ts";
import { HeartbeatsService } from "./heartbeats/heartbeats.service.ts";
import { ArbiterService } from "./instances/arbiter.service.ts";
import { DisputesService } from "./instances/disputes.service.ts";
import { EscrowFollower } from "./instances/escrow-follower.ts";
import { EscrowRefunds } from "./instances/escrow-refunds.ts";
import { type ExecutorPrecheck, HttpExecutorPrecheck } from "./instances/executor-precheck.ts";
import { ExecutorReportsService } from "./instances/executor-reports.service.ts";
import { FundingService } from "./instances/funding.service.ts";
import { IndexedEscrows } from "./instances/indexed-escrows.ts";
import { InstancesRepository } from "./instances/instances.repository.ts";
import { InstancesService } from "./instances/instances.service.ts";
import { EscrowRefundsRepository } from "./instances/refunds.repository.ts";
import { InstanceTransitions } from "./instances/transitions.ts";
import { TotalsRepository } from "./protocol-totals/totals.repository.ts";
import { TotalsService } from "./protocol-totals/totals.service.ts";
import { ProvidersRepository } from "./providers/providers.repository.ts";
import { ProvidersService } from "./providers/providers.service.ts";
import { ChainParams } from "./providers/stake.ts";
import { ReceiptsRepository } from "./receipts/receipts.repository.ts";
import { ReceiptsService } from "./receipts/receipts.service.ts";
import { ReconciliationService } from "./reconciliation/reconciliation.service.ts";
import { ReputationRepository } from "./reputation/reputation.repository.ts";
import { ReputationService } from "./reputation/reputation.service.ts";
import { EarningsRepository } from "./stakes/earnings.repository.ts";
import { EarningsService } from "./stakes/earnings.service.ts";
import { StakesService } from "./stakes/stakes.service.ts";
import type { EventStreamOptions } from "./streams/event-stream.ts";
import { InstanceNotifications } from "./streams/instance-notifications.ts";
import { InstanceStreamRepository } from "./streams/instance-stream.repository.ts";
import { InstanceStreamService } from "./streams/instance-stream.service.ts";
import { ProviderStreamService } from "./streams/provider-stream.service.ts";
import { CreditService } from "./wallet/credit.service.ts";
import { type ProtocolNode, ProtocolReader } from "./wallet/protocol-node.ts";
import { SwapService } from "./wallet/swap.service.ts";

/** What the marketplace is built from; everything has a default except the database and config. */
export interface MarketplaceDeps {
  db: Database;
  config: MarketplaceConfig;
  clock?: Clock;
  log?: Logger;
  signingKey?: SigningKey;
  /** Builds and submits escrow transactions; rentals answer 503 without it. */
  chain?: RentalChain;
  /** Arbiter refunds for provider_down; without it those rentals fail unsettled (the consumer can still exit). */
  settlement?: Settlement;
  /** Asks an offer's executor to pre-check a rental (default: over HTTP at the executor URL it announced). */
  precheck?: ExecutorPrecheck;
  /** The deployment whose boxes the indexer follows: what an escrow or a stake box is (any `Deployment` will do). */
  deployment?: RentalDeployment;
  /** The fiat on-ramp, when configured: its routes are mounted and its subscriber follows the chain. */
  onramp?: Onramp;
  /** The Rosen Bridge adapter, when configured: its routes are mounted and its deposits followed. */
  bridge?: Bridge;
  /** The live streams' keepalive and reconnection delay (default a keepalive every 15 s, reconnect after 3 s). */
  streams?: Partial<EventStreamOptions>;
  /**
   * The node and full deployment the wallet transactions (consumer exit, credit, stake, swap) are built on; their
   * routes answer 503 without it.
   */
  node?: ProtocolNode;
}

const STREAM_DEFAULTS: EventStreamOptions = { keepaliveMs: 15_000, retryMs: 3_000 };

/** What the marketplace reads boxes by: the GPUC token and the escrow and stake contracts. */
export type RentalDeployment = EscrowDeployment & StakeDeployment;

/** Without a deployment nothing is indexed, and no box reads as an escrow or a stake. */
const NO_DEPLOYMENT: RentalDeployment = {
  gpucTokenId: "",
  contracts: { rentalEscrow: { ergoTree: "" }, providerStake: { ergoTree: "" } },
};

/** Every service, built once from the deps (no hidden singletons). */
export function createServices(deps: MarketplaceDeps) {
  const { db, config } = deps;
  const clock = deps.clock ?? systemClock;
  const deployment = deps.deployment ?? NO_DEPLOYMENT;
  const log = deps.log ?? createLogger("marketplace-api");
  const signingKey = deps.signingKey ?? loadSigningKey(config.jwt, log);
  const index = new IndexStore(db);
  const apiKeysRepo = new ApiKeysRepository(db);
  const providersRepo = new ProvidersRepository(db);
  // One LISTEN connection serves the consumers' instance streams and the executors' provider streams.
  const notifications = new InstanceNotifications(db.pool, log);
  const params = new ChainParams(index, config.minStakePerGpu);
  const gpus = new GpusRepository(db, log, { index: config.searchIndex });
  const credentials = new CredentialsService(signingKey, clock);
  const providers = new ProvidersService(
    db,
    providersRepo,
    index,
    deployment,
    params,
    clock,
    config.network,
    log,
  );
  const rentals = createRentalServices(deps, {
    db,
    clock,
    log,
    deployment,
    index,
    gpus,
    providersRepo,
    credentials,
  });
  const heartbeatsRepo = new HeartbeatsRepository(db);
  const heartbeats = new HeartbeatsService(
    heartbeatsRepo,
    providers,
    rentals.instancesRepo,
    rentals.disputes,
    rentals.escrowFollower,
    clock,
    config.heartbeats,
    log,
  );
  return {
    config,
    deployment,
    clock,
    log,
    db,
    index,
    gpus,
    auth: new AuthService(
      new AuthRepository(db),
      apiKeysRepo,
      clock,
      { network: config.network, ...config.auth, arbiterAddress: arbiterAddress(config) },
      log,
    ),
    apiKeys: new ApiKeysService(apiKeysRepo, clock, log),
    providers,
    providersRepo,
    credentials,
    ...rentals,
    heartbeats,
    heartbeatsRepo,
    ...challengeServices(deps, { gpus, providers, clock, log }),
    onramp: deps.onramp,
    bridge: deps.bridge,
    instanceStreams: new InstanceStreamService({
      repo: new InstanceStreamRepository(db),
      transitions: rentals.transitions,
      notifications,
      log,
    }),
    providerStreams: new ProviderStreamService({ providers: providersRepo, notifications }),
    streamOptions: { ...STREAM_DEFAULTS, ...deps.streams },
    totals: new TotalsService(new TotalsRepository(db, index), index, deployment.gpucTokenId),
    ...providerDashboard(deps, { index, providersRepo, deployment, params, clock }),
    ...walletServices(deps, {
      db,
      clock,
      log,
      index,
      instancesRepo: rentals.instancesRepo,
      transitions: rentals.transitions,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;

interface Shared {
  db: Database;
  clock: Clock;
  log: Logger;
  deployment: RentalDeployment;
  index: IndexStore;
  gpus: GpusRepository;
  providersRepo: ProvidersRepository;
  credentials: CredentialsService;
}

/**
 * The rental services, one job each. Funding needs a chain and the arbiter needs a settlement key: without them
 * they are not built (the routes that need them answer 503), rather than built and asserting in every method.
 */
function createRentalServices(deps: MarketplaceDeps, shared: Shared) {
  const { config } = deps;
  const { db, clock, log, index, gpus } = shared;
  const instancesRepo = new InstancesRepository(db);
  const receiptsRepo = new ReceiptsRepository(db);
  const refundsRepo = new EscrowRefundsRepository(db);
  const providers = shared.providersRepo;
  const transitions = new InstanceTransitions({ db, repo: instancesRepo, gpus, providers, clock, log });
  const arbiter =
    deps.settlement &&
    new ArbiterService({
      repo: instancesRepo,
      refunds: refundsRepo,
      transitions,
      settlement: deps.settlement,
      receipts: receiptsRepo,
      clock,
      log,
      failedEscrowRefundAfterBlocks: config.failedEscrowRefundAfterBlocks,
    });
  const funding =
    deps.chain &&
    new FundingService({
      db,
      repo: instancesRepo,
      gpus,
      providers,
      index,
      transitions,
      chain: deps.chain,
      clock,
      log,
      network: config.network,
      maxUnfundedRentals: config.maxUnfundedRentals,
      heartbeatIntervalS: config.heartbeats.intervalS,
      credentials: shared.credentials,
      precheck: deps.precheck ?? new HttpExecutorPrecheck(log),
    });
  const escrowFollower = new EscrowFollower({
    db,
    repo: instancesRepo,
    providers,
    index,
    escrows: new IndexedEscrows(index, shared.deployment),
    refunds: new EscrowRefunds(refundsRepo, clock, log, config.network),
    transitions,
    clock,
    log,
    network: config.network,
    billingHourS: config.billingHourS,
    escrowStartSlackBlocks: config.escrowStartSlackBlocks,
  });
  return {
    instancesRepo,
    refundsRepo,
    transitions,
    instances: new InstancesService({
      repo: instancesRepo,
      transitions,
      credentials: shared.credentials,
      clock,
    }),
    funding,
    escrowFollower,
    executorReports: new ExecutorReportsService({ repo: instancesRepo, gpus, providers, transitions }),
    disputes: new DisputesService({
      repo: instancesRepo,
      index,
      transitions,
      arbiter,
      receipts: receiptsRepo,
      clock,
      log,
    }),
    arbiter,
    receipts: new ReceiptsService({
      repo: receiptsRepo,
      instances: instancesRepo,
      providers,
      transitions,
      index,
      clock,
      log,
      network: config.network,
    }),
    reconciliation: new ReconciliationService({
      repo: receiptsRepo,
      index,
      deployment: shared.deployment,
      clock,
      log,
      network: config.network,
      periodSeconds: config.billingHourS,
      missingBatchGraceBlocks: MISSING_BATCH_GRACE_BLOCKS,
    }),
  };
}

/** Blocks (about an hour on mainnet) a claim may wait for its receipts before the reconciliation flags them missing. */
const MISSING_BATCH_GRACE_BLOCKS = 30;

/** The provider dashboard's services: stake state and actions, earnings, executor status. */
function providerDashboard(
  deps: MarketplaceDeps,
  shared: {
    index: IndexStore;
    providersRepo: ProvidersRepository;
    deployment: RentalDeployment;
    params: ChainParams;
    clock: Clock;
  },
) {
  const reader = deps.node && new ProtocolReader(deps.node);
  return {
    stakes: new StakesService({
      index: shared.index,
      providers: shared.providersRepo,
      deployment: shared.deployment,
      params: shared.params,
      reader,
    }),
    earnings: new EarningsService({
      repo: new EarningsRepository(deps.db),
      providers: shared.providersRepo,
      clock: shared.clock,
      network: deps.config.network,
      heartbeatIntervalS: deps.config.heartbeats.intervalS,
    }),
  };
}

interface WalletShared {
  db: Database;
  clock: Clock;
  log: Logger;
  index: IndexStore;
  instancesRepo: InstancesRepository;
  transitions: InstanceTransitions;
}

/** The services that build wallet transactions over the node's boxes (their routes answer 503 without a node). */
function walletServices(deps: MarketplaceDeps, shared: WalletShared) {
  const reader = deps.node && new ProtocolReader(deps.node);
  return {
    protocolReader: reader,
    credit: new CreditService(shared.index, reader),
    swap: new SwapService(shared.index, reader),
    exits: new ExitService({
      db: shared.db,
      repo: shared.instancesRepo,
      transitions: shared.transitions,
      reader,
      clock: shared.clock,
      log: shared.log,
    }),
  };
}

/**
 * GPU verification: challenges, their verdicts, and the scheduler that issues them (`tick` every tickS); and the
 * reputation built from them, heartbeats, rentals and disputes.
 */
function challengeServices(
  deps: MarketplaceDeps,
  shared: { gpus: GpusRepository; providers: ProvidersService; clock: Clock; log: Logger },
) {
  const settings = deps.config.challenges;
  const challenges = new ChallengesService(
    new ChallengesRepository(deps.db),
    shared.gpus,
    shared.providers,
    shared.clock,
    settings,
    shared.log,
  );
  return {
    challenges,
    challengeScheduler: new ChallengeScheduler(challenges, settings, shared.log),
    reputation: new ReputationService(
      new ReputationRepository(deps.db),
      shared.clock,
      deps.config.heartbeats.intervalS,
    ),
  };
}

/** The address of the ARBITER_SECRET_HEX key: the one wallet that holds the `arbiter` scope. */
function arbiterAddress(config: MarketplaceConfig): string | undefined {
  return config.arbiterSecretHex
    ? Signer.fromSecretHex(config.arbiterSecretHex, config.network).address
    : undefined;
}
