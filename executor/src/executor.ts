import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type ChainClient, NodeChainClient, readDeployment } from "@gpuc/offchain";
import { createLogger, createPool, Database, type Logger, startEmbeddedPostgres } from "@gpuc/platform";
import Docker from "dockerode";
import { createRemoteJWKSet } from "jose";
import { Agent } from "./agent/agent.ts";
import { ChallengeRunner } from "./challenges/challenge-runner.ts";
import { httpChallengeMarketplace, pollChallenges } from "./challenges/http-challenges.ts";
import { type ExecutorConfig, ExecutorConfigError } from "./config.ts";
import { ContainerRuntime } from "./docker/containers.ts";
import { ImageStore } from "./docker/images.ts";
import { ExecutorError } from "./errors.ts";
import type { GpuProbe } from "./gpu/gpu-probe.ts";
import { NoGpuProbe } from "./gpu/no-gpu.ts";
import { NvidiaSmiProbe, RecordedGpuProbe } from "./gpu/nvidia-smi.ts";
import { createApp } from "./http/app.ts";
import { CredentialVerifier } from "./http/credentials.ts";
import {
  lazyTransactionSigner,
  type ProviderSigner,
  signerFromMnemonic,
  signerFromSecretKey,
} from "./keys/provider-signer.ts";
import { Ledger } from "./ledger/ledger.ts";
import { migrateExecutor } from "./ledger/migrations.ts";
import { HttpMarketplaceClient } from "./marketplace/http-marketplace-client.ts";
import type { AgentMarketplace } from "./marketplace/marketplace-client.ts";
import { ExecutorMetrics } from "./metrics.ts";
import { ChainSettlement, type Deployment } from "./settlement/chain-settlement.ts";
import { RecordingSettlement } from "./settlement/recording-settlement.ts";
import type { Settlement } from "./settlement/settlement.ts";

/** The Docker engine did not answer on the configured socket. */
export class DockerUnreachableError extends ExecutorError {
  constructor(socket: string, cause: unknown) {
    super(
      `No Docker engine answers on ${socket} (${cause instanceof Error ? cause.message : String(cause)}); start Docker or set GPUC_DOCKER_SOCKET`,
      { cause },
    );
  }
}

export interface RunningExecutor {
  readonly agent: Agent;
  readonly address: string;
  /** Base URL of the consumer API and /metrics. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Parts a caller may replace (tests, `npm start` wiring the in-process marketplace or chain). */
export interface ExecutorOverrides {
  readonly log?: Logger;
  readonly marketplace?: AgentMarketplace;
  readonly settlement?: Settlement;
  /** The chain and deployment to settle on (instead of ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE). */
  readonly chain?: ChainClient;
  readonly deployment?: Deployment;
  readonly probe?: GpuProbe;
}

/**
 * Starts a whole executor from its configuration: database (embedded PostgreSQL unless DATABASE_URL), migrations,
 * Docker, GPU probe, provider key, agent loops and the HTTP API.
 *
 * @example
 * const executor = await startExecutor(loadExecutorConfig());
 * process.on("SIGTERM", () => executor.stop());
 */
export async function startExecutor(
  config: ExecutorConfig,
  overrides: ExecutorOverrides = {},
): Promise<RunningExecutor> {
  const { env } = config;
  const log = overrides.log ?? createLogger("executor");
  const signer = providerSigner(config);
  const docker = new Docker({ socketPath: env.GPUC_DOCKER_SOCKET });
  await docker.ping().catch((error: unknown) => {
    throw new DockerUnreachableError(env.GPUC_DOCKER_SOCKET, error);
  });
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: join(env.GPUC_DATA_DIR, "pg") });
  const db = new Database(createPool(env.DATABASE_URL ?? embedded!.url, { max: embedded ? 4 : 10 }));
  await migrateExecutor(db.pool);
  const runtime = new ContainerRuntime(docker);
  const metrics = new ExecutorMetrics();
  // Listening first: the public URL (sent in heartbeats) may depend on the port the system picked.
  const server = createServer();
  await listen(server, env.GPUC_HTTP_PORT, env.GPUC_HTTP_HOST);
  const { port } = server.address() as AddressInfo;
  const url = `http://${env.GPUC_HTTP_HOST === "0.0.0.0" ? "127.0.0.1" : env.GPUC_HTTP_HOST}:${port}`;
  const endpoint = env.GPUC_PUBLIC_URL ?? url;
  const settlement = overrides.settlement ?? chooseSettlement(config, overrides, db, log, signer.address);
  const ledger = new Ledger(db);
  const agent = new Agent({
    providerId: env.GPUC_PROVIDER_ID,
    ledger,
    runtime,
    images: new ImageStore(docker, log, env.GPUC_IMAGE_DIR, env.GPUC_IMAGE_REGISTRIES),
    settlement,
    marketplace:
      overrides.marketplace ??
      new HttpMarketplaceClient({
        baseUrl: env.GPUC_MARKETPLACE_URL,
        providerId: env.GPUC_PROVIDER_ID,
        apiKey: config.apiKey,
        logger: log,
      }),
    probe: overrides.probe ?? gpuProbe(env.GPUC_GPUS, env.GPUC_NVIDIA_SMI),
    signer,
    metrics,
    log,
    policy: {
      providerId: env.GPUC_PROVIDER_ID,
      portNetwork: env.GPUC_PORT_NETWORK,
      ...(env.GPUC_PORT_NETWORK_SUBNET ? { portSubnet: env.GPUC_PORT_NETWORK_SUBNET } : {}),
      hostIp: env.GPUC_PUBLISH_HOST_IP,
      tmpfsMb: env.GPUC_TMPFS_MB,
      stopGraceSeconds: env.GPUC_STOP_GRACE_SECONDS,
      diskQuota: env.GPUC_DISK_QUOTA,
    },
    options: {
      periodSeconds: env.GPUC_BILLING_PERIOD_SECONDS,
      stopGraceSeconds: env.GPUC_STOP_GRACE_SECONDS,
      tickMs: env.GPUC_TICK_SECONDS * 1000,
      heartbeatMs: env.GPUC_HEARTBEAT_SECONDS * 1000,
      pollMs: env.GPUC_POLL_SECONDS * 1000,
      claimStaleSeconds: env.GPUC_CLAIM_STALE_SECONDS,
      settlementRetryMs: env.GPUC_SETTLEMENT_RETRY_SECONDS * 1000,
      claimPolicy: {
        afterPeriods: env.GPUC_CLAIM_AFTER_PERIODS,
        afterAmount: env.GPUC_CLAIM_AFTER_GPUC,
        claimLast: env.GPUC_CLAIM_LAST_PERIOD,
      },
      retainEndedSeconds: env.GPUC_RETAIN_ENDED_SECONDS,
      portAllowed: config.portAllowed,
      endpoint,
      gpuPins: env.GPUC_GPU_PINS,
    },
  });
  if (env.GPUC_GPU_PINS === "ignore") {
    log.warn("GPU_PINS_IGNORED", {
      detail:
        "GPUC_GPU_PINS=ignore: rentals run without their GPUs; for demo/CI machines only, never for real rentals",
    });
  }
  const verifier = new CredentialVerifier({
    keys: createRemoteJWKSet(new URL(config.jwksUrl)),
    providerId: env.GPUC_PROVIDER_ID,
  });
  const app = createApp({
    agent,
    runtime,
    verifier,
    metrics,
    log,
    exec: {
      maxTimeoutSeconds: env.GPUC_EXEC_TIMEOUT_SECONDS,
      maxOutputBytes: env.GPUC_EXEC_MAX_OUTPUT_BYTES,
    },
    maxCallsPerInstance: env.GPUC_MAX_CALLS_PER_INSTANCE,
    corsOrigin: config.corsOrigin,
  });
  server.on("request", app);
  try {
    await agent.start();
  } catch (error) {
    server.close();
    throw error;
  }
  const stopChallenges = answerChallenges(config, docker, ledger, signer, log);
  log.info("EXECUTOR_STARTED", {
    url,
    endpoint,
    settlement: settlement.kind,
    address: signer.address,
    provider: env.GPUC_PROVIDER_ID,
    database: embedded ? "embedded" : "external",
    gpuPins: env.GPUC_GPU_PINS,
  });
  // Early, so the provider sees the subnet for the firewall rules; rentals with ports ensure it again.
  runtime
    .ensureNetwork({
      name: env.GPUC_PORT_NETWORK,
      ...(env.GPUC_PORT_NETWORK_SUBNET ? { subnet: env.GPUC_PORT_NETWORK_SUBNET } : {}),
    })
    .then(
      (network) => log.info("RENTAL_NETWORK_READY", { ...network }),
      (error) => log.warn("RENTAL_NETWORK_UNAVAILABLE", { error }),
    );
  return {
    agent,
    address: signer.address,
    url,
    async stop() {
      stopChallenges();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.shutdown();
      await db.close();
      await embedded?.stop();
      log.info("EXECUTOR_STOPPED", {});
    },
  };
}

/** Polls the marketplace for GPU verification challenges and answers them (challenges/); returns the stop. */
function answerChallenges(
  config: ExecutorConfig,
  docker: Docker,
  ledger: Ledger,
  signer: ProviderSigner,
  log: Logger,
): () => void {
  const { env } = config;
  if (!env.GPUC_CHALLENGES) return () => undefined;
  const runner = new ChallengeRunner({
    docker,
    ledger,
    signer,
    marketplace: httpChallengeMarketplace({
      baseUrl: env.GPUC_MARKETPLACE_URL,
      providerId: env.GPUC_PROVIDER_ID,
      apiKey: config.apiKey,
    }),
    log,
    options: {
      providerId: env.GPUC_PROVIDER_ID,
      // Real GPUs only: a recorded probe or ignored pins mean a machine without them (the CPU image runs).
      gpus: env.GPUC_GPUS === "all" && env.GPUC_GPU_PINS === "enforce",
      ...(env.GPUC_BENCH_CUDA_IMAGE ? { cudaImage: env.GPUC_BENCH_CUDA_IMAGE } : {}),
    },
  });
  return pollChallenges(
    () => runner.poll(),
    env.GPUC_HEARTBEAT_SECONDS * 1000,
    (error) => log.warn("CHALLENGE_POLL_FAILED", { error }),
  );
}

function providerSigner(config: ExecutorConfig): ProviderSigner {
  const key = config.providerKey;
  return key.kind === "mnemonic"
    ? signerFromMnemonic(key.mnemonic, key.passphrase, config.env.GPUC_NETWORK)
    : signerFromSecretKey(key.secretHex, config.env.GPUC_NETWORK);
}

/** `all` → nvidia-smi, `none` → CPU only, `recorded:<file>` → a recorded nvidia-smi output. */
export function gpuProbe(setting: string, nvidiaSmi: string): GpuProbe {
  if (setting === "none") return new NoGpuProbe();
  if (setting.startsWith("recorded:")) return new RecordedGpuProbe(setting.slice("recorded:".length));
  return new NvidiaSmiProbe({ binary: nvidiaSmi });
}

/**
 * On chain when the configuration or the caller names a chain and a deployment; recorded in the executor's own
 * database otherwise (tests and runs without a chain).
 */
function chooseSettlement(
  config: ExecutorConfig,
  overrides: ExecutorOverrides,
  db: Database,
  log: Logger,
  address: string,
): Settlement {
  const choice = config.settlement;
  const viaOverrides = overrides.chain && overrides.deployment && config.env.GPUC_SETTLEMENT !== "recording";
  if (choice.kind === "recording" && !viaOverrides) return new RecordingSettlement(db);
  const chain =
    overrides.chain ??
    (choice.kind === "chain" && choice.nodeUrl ? new NodeChainClient(choice.nodeUrl) : undefined);
  const file = choice.kind === "chain" ? choice.deploymentFile : undefined;
  const deployment = overrides.deployment ?? (file ? readDeployment(file) : undefined);
  if (!chain || !deployment) {
    throw new ExecutorConfigError("On-chain settlement needs ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE");
  }
  return new ChainSettlement({
    chain,
    deployment,
    signer: lazyTransactionSigner(config.providerKey, config.env.GPUC_NETWORK, address),
    log,
    fee: config.env.GPUC_SETTLEMENT_FEE_NANOERG,
    startSlackBlocks: config.env.GPUC_ESCROW_START_SLACK_BLOCKS,
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
    server.listen(port, host);
  });
}
