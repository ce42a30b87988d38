import { join } from "node:path";
import { Devnet } from "@gpuc/devnet";
import type { Deployment } from "@gpuc/ergoscript";
import { loadConfig, type RunningMarketplace, startMarketplace } from "@gpuc/marketplace-api";
import { type ChainClient, NodeChainClient } from "@gpuc/offchain";
import { createLogger, type Logger, startEmbeddedPostgres } from "@gpuc/platform";
import { ensureWebBuild } from "@gpuc/web";
import type { SystemConfig } from "./config.ts";
import { confirmer, devnetSettings, ensureDeployment } from "./deployment.ts";
import { dockerReachable, ExecutorLauncher, ensureDemoImage } from "./executor-launcher.ts";
import { ensureJwtKeyFile, ensureSystemKeys, type SystemKeys } from "./keys.ts";
import { type DevnetOraclePool, devnetOnrampOracleEnv, ensureDevnetOraclePool } from "./oracle-pool.ts";
import { type DevnetRosen, devnetRosenEnv, ensureDevnetRosen } from "./rosen-bridge.ts";

/** A started system: where each part listens, the deployment, the devnet keys, and one `stop()`. */
export interface RunningSystem {
  readonly nodeUrl: string;
  readonly marketplaceUrl: string;
  readonly deployment: Deployment;
  readonly deploymentFile: string;
  /** The in-process devnet (absent with ERGO_NODE_URL). */
  readonly devnet?: Devnet;
  readonly chain: ChainClient;
  readonly keys: SystemKeys;
  readonly marketplace: RunningMarketplace;
  /** Starts the executor once the provider registers; absent when there is no Docker engine or it is off. */
  readonly executor?: ExecutorLauncher;
  /** Why there is no executor, and what to do about it (set exactly when `executor` is absent). */
  readonly executorOff?: string;
  /** Seconds of one billing hour. */
  readonly periodSeconds: number;
  /** The devnet's own ERG/USD oracle pool (EIP-23 layout, the admin key's), absent with ERGO_NODE_URL. */
  readonly oraclePool?: DevnetOraclePool;
  /** The devnet's Rosen Bridge (Lock.es, MinFeeNFT boxes, its token map), absent with ERGO_NODE_URL. */
  readonly rosen?: DevnetRosen;
  stop(): Promise<void>;
}

interface Part {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * Starts the whole marketplace: database (embedded PostgreSQL unless DATABASE_URL), chain (in-process devnet unless
 * ERGO_NODE_URL), the protocol deployment (deployed on the devnet's first start), demo wallets funded by the faucet,
 * the marketplace API with its indexer, and an executor when a Docker engine answers. One log line per part.
 *
 * @example
 * const system = await startSystem(loadSystemConfig());
 * process.once("SIGINT", () => system.stop());
 */
export async function startSystem(
  config: SystemConfig,
  log: Logger = createLogger("gpuc"),
): Promise<RunningSystem> {
  const parts: Part[] = [];
  const stopAll = async () => {
    for (const part of parts.reverse()) {
      await part.stop().catch((error: unknown) => log.error("PART_STOP_FAILED", { part: part.name, error }));
    }
  };
  try {
    return await assemble(config, log, parts, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function assemble(
  config: SystemConfig,
  log: Logger,
  parts: Part[],
  stopAll: () => Promise<void>,
): Promise<RunningSystem> {
  const { env } = config;
  const databaseUrl = await database(config, log, parts);
  const keys = ensureSystemKeys(config);

  let devnet: Devnet | undefined;
  let nodeUrl = env.ERGO_NODE_URL;
  if (!nodeUrl) {
    devnet = await Devnet.start({
      databaseUrl,
      blockMs: env.DEVNET_BLOCK_MS,
      host: env.DEVNET_HOST,
      port: env.DEVNET_PORT,
      logger: createLogger("devnet", { level: env.GPUC_DEVNET_LOG_LEVEL }),
    });
    const started = devnet;
    parts.push({ name: "devnet", stop: () => started.stop() });
    nodeUrl = devnet.url;
    log.info("PART_STARTED", {
      part: "chain",
      kind: "devnet",
      url: devnet.url,
      height: devnet.height,
      blockMs: env.DEVNET_BLOCK_MS,
    });
  } else {
    log.info("PART_STARTED", { part: "chain", kind: "Ergo node", url: nodeUrl });
  }
  const chain = new NodeChainClient(nodeUrl);
  const confirm = confirmer(chain, devnet, env.DEVNET_BLOCK_MS);

  const settings = devnetSettings(keys, env.GPUC_BLOCKS_PER_HOUR, env.GPUC_PRICE_NANOERG);
  const { deployment, created } = await ensureDeployment({
    chain,
    path: config.deploymentFile,
    deploy: devnet ? { devnet, keys, settings, confirm } : undefined,
  });
  const blockSeconds = devnet ? env.DEVNET_BLOCK_MS / 1000 : 120;
  const blocksPerHour = devnet ? env.GPUC_BLOCKS_PER_HOUR : 30;
  const periodSeconds = Math.max(1, Math.round(blocksPerHour * (blockSeconds || 1)));
  // An opening escrow's start height must lie within this many blocks of its inclusion (marketplace and executor
  // alike): the 30 minutes a person has to sign the funding, 15 blocks on mainnet, more on fast devnet blocks.
  const escrowStartSlackBlocks = Math.ceil(1800 / (blockSeconds || 120));
  log.info("PART_STARTED", {
    part: "deployment",
    file: config.deploymentFile,
    created,
    gpuc: deployment.gpucTokenId,
    billingHour: `${blocksPerHour} blocks ≈ ${periodSeconds} s`,
  });
  if (devnet) {
    await fundDemoWallets(devnet, chain, keys, env.GPUC_DEMO_FUND_ERG, confirm, log);
    // The arbiter key is the devnet system's own (keys dir): unless ARBITER_SECRET_HEX names another, fund it.
    if (!config.raw.ARBITER_SECRET_HEX) await fundArbiter(devnet, chain, keys, confirm);
  }
  const oraclePool = devnet
    ? await ensureDevnetOraclePool({
        chain,
        devnet,
        operator: keys.admin,
        dataDir: config.dataDir,
        nanoErgPerUsd: env.ORACLE_NANOERG_PER_USD,
        confirm,
        log,
      })
    : undefined;

  const rosen = devnet
    ? await ensureDevnetRosen({
        chain,
        devnet,
        gpuc: deployment,
        admin: keys.admin.signer,
        dataDir: config.dataDir,
        keysDir: config.keysDir,
        nanoErgPerUsd: env.ORACLE_NANOERG_PER_USD,
        confirm,
        log,
      })
    : undefined;

  const webDir = await webAppDir(config, log);
  const marketplace = await startMarketplace(
    {
      ...loadConfig({
        ...(webDir ? { MARKETPLACE_WEB_DIR: webDir } : {}),
        BILLING_HOUR_S: String(periodSeconds),
        ESCROW_START_SLACK_BLOCKS: String(escrowStartSlackBlocks),
        // This system's executor signs the provider id into every heartbeat: refuse unbound (replayable) ones.
        HEARTBEAT_REQUIRE_PROVIDER_ID: "true",
        ...devnetOnrampOracleEnv(oraclePool),
        ...devnetRosenEnv(rosen, oraclePool?.nftId),
        ...config.raw,
      }),
      databaseUrl,
      ergoNodeUrl: nodeUrl,
      deploymentFile: config.deploymentFile,
      arbiterSecretHex: config.raw.ARBITER_SECRET_HEX ?? (devnet ? keys.arbiterSecretHex : undefined),
      jwt: {
        privateKey: config.raw.MARKETPLACE_JWT_PRIVATE_KEY,
        privateKeyFile: config.raw.MARKETPLACE_JWT_PRIVATE_KEY
          ? undefined
          : (config.raw.MARKETPLACE_JWT_PRIVATE_KEY_FILE ?? ensureJwtKeyFile(config)),
        kid: config.raw.MARKETPLACE_JWT_KID ?? "gpuc-marketplace-1",
      },
      // The devnet pushes each block to the indexer (GET /devnet/blocks/next): no need to poll it faster.
      indexer: { pollMs: Number(config.raw.INDEXER_POLL_MS ?? 1000), startHeight: 1 },
    },
    { deployment, log: createLogger("marketplace-api", { level: "warn" }) },
  );
  parts.push({ name: "marketplace", stop: () => marketplace.stop() });
  log.info("PART_STARTED", {
    part: "marketplace",
    url: marketplace.url,
    indexer: marketplace.indexer !== undefined,
  });

  const { launcher: executor, offReason: executorOff } = await launchExecutor(config, {
    marketplaceUrl: marketplace.url,
    nodeUrl,
    databaseUrl,
    periodSeconds,
    escrowStartSlackBlocks,
    fast: devnet !== undefined,
    log,
    executorLog: createLogger("executor"),
  });
  if (executor) parts.push({ name: "executor", stop: () => executor.stop() });

  return {
    nodeUrl,
    marketplaceUrl: marketplace.url,
    deployment,
    deploymentFile: config.deploymentFile,
    devnet,
    chain,
    keys,
    marketplace,
    executor,
    executorOff,
    periodSeconds,
    oraclePool,
    rosen,
    stop: stopAll,
  };
}

/** The web app's build to serve: MARKETPLACE_WEB_DIR, else ours (built when its sources changed), or none. */
async function webAppDir(config: SystemConfig, log: Logger): Promise<string | undefined> {
  if (config.raw.MARKETPLACE_WEB_DIR) return config.raw.MARKETPLACE_WEB_DIR;
  if (config.env.GPUC_WEB === "off") return undefined;
  const web = await ensureWebBuild();
  log.info("PART_STARTED", { part: "web", dir: web.dir, built: web.built, ms: Math.round(web.ms) });
  return web.dir;
}

/** A database URL fit for a log line: the password is a secret. */
function redacted(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = "***";
  return url.toString();
}

async function database(config: SystemConfig, log: Logger, parts: Part[]): Promise<string> {
  if (config.env.DATABASE_URL) {
    log.info("PART_STARTED", {
      part: "database",
      kind: "PostgreSQL",
      url: redacted(config.env.DATABASE_URL),
    });
    return config.env.DATABASE_URL;
  }
  const dataDir = join(config.dataDir, "pg");
  const pg = await startEmbeddedPostgres({ dataDir });
  parts.push({ name: "database", stop: () => pg.stop() });
  log.info("PART_STARTED", { part: "database", kind: "embedded PostgreSQL", dataDir, url: redacted(pg.url) });
  return pg.url;
}

/**
 * ERG the devnet arbiter gets on first start: it pays the miner fee of every refund it signs (provider down,
 * failed rentals, unclaimable escrows), about 0.0011 ERG each. Without any, those refunds could never be sent.
 */
const ARBITER_FUND_NANOERG = 10_000_000_000n;

/** Faucet ERG to the arbiter when it has none (first start). */
async function fundArbiter(
  devnet: Devnet,
  chain: ChainClient,
  keys: SystemKeys,
  confirm: (txId: string) => Promise<void>,
): Promise<void> {
  if ((await chain.unspentByAddress(keys.arbiter.address)).length > 0) return;
  const { txId } = await devnet.faucet(keys.arbiter.address, { nanoErgs: ARBITER_FUND_NANOERG });
  await confirm(txId);
}

/** Faucet ERG to the demo wallets that have none (first start; a later start finds them funded). */
async function fundDemoWallets(
  devnet: Devnet,
  chain: ChainClient,
  keys: SystemKeys,
  ergs: bigint,
  confirm: (txId: string) => Promise<void>,
  log: Logger,
): Promise<void> {
  if (ergs === 0n) return;
  const funded: string[] = [];
  for (const [name, wallet] of [
    ["alice", keys.alice],
    ["bob", keys.bob],
  ] as const) {
    if ((await chain.unspentByAddress(wallet.address)).length > 0) continue;
    const { txId } = await devnet.faucet(wallet.address, { nanoErgs: ergs * 1_000_000_000n });
    await confirm(txId);
    funded.push(name);
  }
  log.info("PART_STARTED", {
    part: "demo wallets",
    alice: keys.alice.path,
    bob: keys.bob.path,
    funded: funded.length ? `${funded.join(", ")} +${ergs} ERG` : "already funded",
  });
}

async function launchExecutor(
  config: SystemConfig,
  options: {
    marketplaceUrl: string;
    nodeUrl: string;
    databaseUrl: string;
    periodSeconds: number;
    escrowStartSlackBlocks: number;
    fast: boolean;
    log: Logger;
    executorLog: Logger;
  },
): Promise<{ launcher?: ExecutorLauncher; offReason?: string }> {
  const { env } = config;
  if (env.GPUC_EXECUTOR === "off") {
    options.log.info("PART_STARTED", { part: "executor", kind: "off", detail: "GPUC_EXECUTOR=off" });
    return { offReason: "GPUC_EXECUTOR=off" };
  }
  const socket = config.raw.GPUC_DOCKER_SOCKET ?? env.GPUC_DOCKER_SOCKET;
  if (!(await dockerReachable(socket))) {
    if (env.GPUC_EXECUTOR === "on")
      throw new Error(`No Docker engine answers on ${socket}; start Docker or set GPUC_DOCKER_SOCKET`);
    const offReason = `no Docker engine answers on ${socket}, so nothing can run rentals here; start one with \`bash scripts/services.sh docker\` (or set GPUC_DOCKER_SOCKET) and restart`;
    options.log.warn("PART_STARTED", { part: "executor", kind: "off", detail: offReason });
    return { offReason };
  }
  await ensureDemoImage(socket, options.log);
  const launcher = new ExecutorLauncher({
    raw: config.raw,
    dataDir: config.dataDir,
    keysDir: config.keysDir,
    walletPath: config.executorWallet,
    deploymentFile: config.deploymentFile,
    ...options,
    log: options.executorLog,
  });
  launcher.start();
  launcher.started.then(
    (executor) =>
      options.log.info("PART_STARTED", { part: "executor", url: executor.url, provider: executor.address }),
    () => undefined,
  );
  return { launcher };
}
