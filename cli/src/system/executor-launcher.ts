import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { executorEnvSchema, loadExecutorConfig, type RunningExecutor, startExecutor } from "@gpuc/executor";
import type { Logger } from "@gpuc/platform";
import { BENCH_IMAGE, type MarketplaceClient, ProblemError } from "@gpuc/sdk";
import { marketplaceFor } from "../core/market.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import { writePrivate } from "./keys.ts";

export interface ExecutorLaunchOptions {
  /** The whole environment: the executor's own variables (GPUC_*) win over the system's defaults below. */
  readonly raw: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly keysDir: string;
  readonly walletPath: string;
  readonly marketplaceUrl: string;
  readonly nodeUrl: string;
  readonly deploymentFile: string;
  readonly databaseUrl: string;
  /** Seconds of one billing hour on this chain. */
  readonly periodSeconds: number;
  /** How far an opening escrow's start height may lie below its inclusion (the marketplace uses the same). */
  readonly escrowStartSlackBlocks: number;
  /** Short loops for a devnet (seconds-long hours). */
  readonly fast: boolean;
  readonly log: Logger;
  /** How often to look for the provider's registration (default 5 s: one request, the session is reused). */
  readonly pollMs?: number;
}

/** The launcher asks the marketplace at most this often while it waits for the provider. */
const DEFAULT_POLL_MS = 5_000;

/** Answers whether a Docker engine listens on the socket (GET /_ping). */
export function dockerReachable(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** The image the demo rents (made from busybox-static by scripts/demo-image.sh). */
export const DEMO_IMAGE = "gpuc/busybox:test";

const execFileAsync = promisify(execFile);
const DEMO_IMAGE_SCRIPT = fileURLToPath(new URL("../../../scripts/demo-image.sh", import.meta.url));
const BENCH_IMAGE_SCRIPT = fileURLToPath(new URL("../../../executor/bench-image/build.sh", import.meta.url));

/** Whether the engine on `socketPath` has `image` (GET /images/{name}/json answers 200). */
function dockerHasImage(socketPath: string, image: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath, path: `/images/${encodeURIComponent(image)}/json`, timeout: 5000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * Makes the demo image when the engine lacks it (scripts/demo-image.sh, the same script the tests' services.sh
 * runs), so `npm run demo` works without `npm test` having run first. A failure is logged, not fatal: only the
 * demo's rental needs that image.
 */
export async function ensureDemoImage(socketPath: string, log: Logger): Promise<void> {
  await ensureBenchImage(socketPath, log);
  if (await dockerHasImage(socketPath, DEMO_IMAGE)) return;
  log.info("DEMO_IMAGE_BUILDING", {
    image: DEMO_IMAGE,
    detail: "importing it from busybox-static (a few seconds)",
  });
  try {
    await execFileAsync("bash", [DEMO_IMAGE_SCRIPT], {
      env: { ...process.env, GPUC_TEST_IMAGE: DEMO_IMAGE, DOCKER_HOST: `unix://${socketPath}` },
    });
    log.info("PART_STARTED", { part: "demo image", image: DEMO_IMAGE });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    log.warn("DEMO_IMAGE_FAILED", {
      image: DEMO_IMAGE,
      detail: `${stderr || (error as Error).message}; the demo's rental will be refused (run bash scripts/demo-image.sh)`,
    });
  }
}

/**
 * Makes the benchmark image GPU verification challenges run (executor/bench-image/build.sh: a static C binary, needs
 * gcc). Without it the executor cannot answer, and its offers fail their challenges and leave the default search.
 */
async function ensureBenchImage(socketPath: string, log: Logger): Promise<void> {
  if (await dockerHasImage(socketPath, BENCH_IMAGE)) return;
  try {
    await execFileAsync("bash", [BENCH_IMAGE_SCRIPT], {
      env: { ...process.env, DOCKER_HOST: `unix://${socketPath}` },
    });
    log.info("PART_STARTED", { part: "benchmark image", image: BENCH_IMAGE });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    log.warn("BENCH_IMAGE_FAILED", {
      image: BENCH_IMAGE,
      detail: `${stderr || (error as Error).message}; GPU verification challenges will fail (run bash executor/bench-image/build.sh)`,
    });
  }
}

/**
 * Starts the provider's executor once that provider is registered at the marketplace: signs in with the provider
 * wallet, waits for its provider record (the demo's "Bob lists a GPU" step creates it), creates a provider API key
 * (kept in the data dir for restarts), then runs `startExecutor` — CPU-only when the machine has no nvidia-smi
 * (`GPUC_GPUS=none` with `GPUC_GPU_PINS=ignore`: the demo's listed GPU is simulated, rentals run without GPUs).
 */
export class ExecutorLauncher {
  readonly #options: ExecutorLaunchOptions;
  #timer: NodeJS.Timeout | undefined;
  #executor: RunningExecutor | undefined;
  #stopped = false;
  #starting: Promise<void> | undefined;
  #waitingLogged = false;
  #rateLimitedLogged = false;
  #market: MarketplaceClient | undefined;
  readonly #started: Promise<RunningExecutor>;
  #resolveStarted!: (executor: RunningExecutor) => void;

  constructor(options: ExecutorLaunchOptions) {
    this.#options = options;
    this.#started = new Promise((resolve) => {
      this.#resolveStarted = resolve;
    });
  }

  /** Resolves when the executor runs (after the provider registered). */
  get started(): Promise<RunningExecutor> {
    return this.#started;
  }

  get executor(): RunningExecutor | undefined {
    return this.#executor;
  }

  start(): void {
    const tick = () => {
      if (this.#stopped || this.#executor) return;
      let wait = this.#options.pollMs ?? DEFAULT_POLL_MS;
      this.#starting = this.#attempt()
        .catch((error: unknown) => {
          wait = Math.max(wait, this.#onFailure(error));
        })
        .finally(() => {
          if (!this.#stopped && !this.#executor) this.#timer = setTimeout(tick, wait);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#starting;
    await this.#executor?.stop();
  }

  /** Logs a failed attempt (a 429 once, naming the limit); resolves to how long to wait before the next. */
  #onFailure(error: unknown): number {
    if (error instanceof ProblemError && error.status === 429) {
      if (!this.#rateLimitedLogged)
        this.#options.log.warn("RATE_LIMITED", {
          caller: "executor launcher",
          request: `${error.method} ${error.path}`,
          limit: error.extensions.limit,
          windowS: error.extensions.windowS,
          detail: "waiting for the window to pass before asking again",
        });
      this.#rateLimitedLogged = true;
      return error.retryAfterMs ?? 60_000;
    }
    this.#options.log.warn("EXECUTOR_START_FAILED", { error });
    return 0;
  }

  async #attempt(): Promise<void> {
    const wallet = readWalletFile(this.#options.walletPath);
    // One client for the launcher's life: it signs in once and reuses the session.
    this.#market ??= marketplaceFor(this.#options.marketplaceUrl, wallet.signer);
    const market = this.#market;
    const [provider] = await market.myProviders();
    if (!provider) {
      if (!this.#waitingLogged) {
        this.#options.log.info("EXECUTOR_WAITING", {
          provider: wallet.address,
          detail:
            "starts once this wallet is a registered provider (npm run demo, or gpuc provider stake + list)",
        });
        this.#waitingLogged = true;
      }
      return;
    }
    const apiKey = await this.#apiKey(market, provider.id);
    const gpus = this.#gpus();
    const config = loadExecutorConfig(this.#env(provider.id, apiKey, wallet, gpus));
    if (this.#stopped) return;
    // The executor's own marketplace client (GPUC_MARKETPLACE_URL, the provider id and API key set below).
    this.#executor = await startExecutor(config, { log: this.#options.log });
    this.#resolveStarted(this.#executor);
  }

  async #apiKey(market: MarketplaceClient, providerId: string): Promise<string> {
    const path = join(this.#options.keysDir, "executor-api-key.json");
    if (existsSync(path)) {
      const saved = JSON.parse(readFileSync(path, "utf8")) as { providerId: string; key: string };
      if (saved.providerId === providerId) return saved.key;
    }
    const { key } = await market.createApiKey({ name: "npm-start-executor", scopes: ["provider"] });
    writePrivate(path, `${JSON.stringify({ providerId, key })}\n`);
    return key;
  }

  #gpus(): string {
    const probe = ["/usr/bin/nvidia-smi", "/usr/local/bin/nvidia-smi"].some((path) => existsSync(path));
    return probe ? "all" : "none";
  }

  #env(providerId: string, apiKey: string, wallet: { signer: unknown; path: string }, gpus: string) {
    const o = this.#options;
    const mnemonic = (JSON.parse(readFileSync(wallet.path, "utf8")) as { mnemonic: string }).mnemonic;
    const fast = o.fast
      ? {
          GPUC_TICK_SECONDS: "1",
          GPUC_POLL_SECONDS: "1",
          GPUC_HEARTBEAT_SECONDS: "10",
          GPUC_SETTLEMENT_RETRY_SECONDS: "2",
          GPUC_STOP_GRACE_SECONDS: "3",
          GPUC_CLAIM_STALE_SECONDS: String(Math.max(30, o.periodSeconds * 3)),
          // Short test hours: each period is claimed as it elapses, as the specs of hourly settlement expect.
          GPUC_CLAIM_AFTER_PERIODS: "1",
          GPUC_CLAIM_LAST_PERIOD: "true",
        }
      : {};
    const chainSettlement = executorEnvSchema.shape.GPUC_SETTLEMENT.safeParse("chain").success;
    return {
      GPUC_HTTP_HOST: "127.0.0.1",
      GPUC_GPUS: gpus,
      // Without GPUs the demo's listed GPU is simulated: its rentals run without their pinned GPUs.
      ...((o.raw.GPUC_GPUS ?? gpus) === "none" ? { GPUC_GPU_PINS: "ignore" } : {}),
      GPUC_BILLING_PERIOD_SECONDS: String(o.periodSeconds),
      GPUC_ESCROW_START_SLACK_BLOCKS: String(o.escrowStartSlackBlocks),
      ...fast,
      ...(chainSettlement ? { GPUC_SETTLEMENT: "chain" } : {}),
      ...o.raw,
      // GPUC_DATA_DIR means the whole system's folder here; the executor's database is the shared one anyway.
      GPUC_DATA_DIR: join(o.dataDir, "executor"),
      GPUC_MARKETPLACE_URL: o.marketplaceUrl,
      GPUC_PROVIDER_ID: providerId,
      GPUC_API_KEY: apiKey,
      GPUC_API_KEY_FILE: undefined,
      GPUC_PROVIDER_MNEMONIC: mnemonic,
      GPUC_PROVIDER_MNEMONIC_FILE: undefined,
      GPUC_PROVIDER_SECRET_KEY: undefined,
      GPUC_PROVIDER_SECRET_KEY_FILE: undefined,
      DATABASE_URL: o.databaseUrl,
      ERGO_NODE_URL: o.nodeUrl,
      GPUC_DEPLOYMENT_FILE: o.deploymentFile,
    };
  }
}
