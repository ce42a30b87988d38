import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureWalletFile, type Wallet } from "@gpuc/cli";
import { waitForConfirmations } from "@gpuc/offchain";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { NANOERG } from "@gpuc/sdk";
import { ChildPart } from "./child-part.ts";
import { type CrashSystem, executorEnv, partEntry, removeContainers } from "./system.ts";
import { freePort, listOffers, mnemonicOf, session } from "./world.ts";

/** The crash listing's minimum stake a GPU (as for Bob's offers). */
const STAKE_PER_GPU = 10n * NANOERG;

/** One more provider on a crash system: its own wallet, stake, offers, executor process and ledger database. */
export interface ExtraProvider {
  readonly providerId: string;
  readonly wallet: Wallet;
  readonly executor: ChildPart;
  /** The executor's own database: an executor's ledger holds every rental it knows, whoever's they are. */
  readonly database: TestDatabase;
}

/**
 * Adds `count` providers of `gpus` offers each beside Bob, each with an executor process (not started) on the
 * crash system's settings. The marketplace must be running (they stake, list and take an API key through it).
 */
export async function addProviders(
  crash: CrashSystem,
  options: { count: number; gpus: number },
): Promise<ExtraProvider[]> {
  const wallets = Array.from({ length: options.count }, (_, i) =>
    ensureWalletFile(join(crash.dataDir, "wallets", `provider-${i + 2}.json`)),
  );
  // Faucet payments chain in the mempool: one block confirms them all.
  const fund = STAKE_PER_GPU * BigInt(options.gpus) + 20n * NANOERG;
  const txIds: string[] = [];
  for (const wallet of wallets)
    txIds.push((await crash.devnet.faucet(wallet.address, { nanoErgs: fund })).txId);
  const chain = session(
    wallets[0]!,
    crash.system.nodeUrl,
    crash.marketplaceUrl,
    crash.system.deployment,
  ).chain;
  await Promise.all(
    txIds.map((txId) => waitForConfirmations(chain.client, txId, 1, { pollMs: 200, timeoutMs: 60_000 })),
  );
  return Promise.all(wallets.map((wallet, i) => addProvider(crash, wallet, i + 2, options.gpus)));
}

async function addProvider(
  crash: CrashSystem,
  wallet: Wallet,
  n: number,
  gpus: number,
): Promise<ExtraProvider> {
  const ctx = session(wallet, crash.system.nodeUrl, crash.marketplaceUrl, crash.system.deployment);
  const providerId = await listOffers(ctx, gpus, STAKE_PER_GPU);
  const { key } = await ctx.market.createApiKey({ name: `executor-${n}`, scopes: ["provider"] });
  const database = await createTestDatabase("crash_executor");
  const dataDir = join(crash.dataDir, `executor-${n}`);
  mkdirSync(dataDir, { recursive: true });
  const env = executorEnv(crash.system, database, {
    marketplaceUrl: crash.marketplaceUrl,
    providerId,
    apiKey: key,
    port: await freePort(),
    dataDir: crash.dataDir,
  });
  const executor = new ChildPart({
    name: `executor-${n}`,
    entry: partEntry("executor"),
    logFile: join(crash.dataDir, `executor-${n}.log`),
    env: { ...env, GPUC_DATA_DIR: dataDir, GPUC_PROVIDER_MNEMONIC: mnemonicOf(wallet) },
  });
  return { providerId, wallet, executor, database };
}

/** Stops the providers' executors, removes the containers they left and drops their databases. */
export async function stopProviders(providers: readonly ExtraProvider[]): Promise<void> {
  await Promise.all(providers.map((provider) => provider.executor.stop()));
  for (const provider of providers) {
    provider.executor.close();
    await removeContainers(provider.providerId);
    await provider.database.drop();
  }
}
