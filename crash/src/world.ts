import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  ChainContext,
  drawCredit,
  ensureWalletFile,
  type Gpuc,
  listProvider,
  marketplaceFor,
  openCredit,
  stakeProvider,
  type Wallet,
} from "@gpuc/cli";
import type { Devnet } from "@gpuc/devnet";
import type { Deployment } from "@gpuc/ergoscript";
import { waitForConfirmations } from "@gpuc/offchain";
import { GPUC_UNIT, type Listing, NANOERG } from "@gpuc/sdk";

/** Nothing printed: the crash test reports its counts, not each step. */
const QUIET = { progress: () => undefined, result: () => undefined };

/** A user of the system: a funded wallet with its chain and marketplace sessions (the CLI's own action context). */
export function session(
  wallet: Wallet,
  nodeUrl: string,
  marketplaceUrl: string,
  deployment: Deployment,
): Gpuc {
  return {
    wallet,
    chain: new ChainContext(nodeUrl, deployment, QUIET, 120_000),
    market: marketplaceFor(marketplaceUrl, wallet.signer),
    output: QUIET,
  };
}

/** A free TCP port on 127.0.0.1 (the parts restart on the same one, so their URLs stay valid). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One offer per GPU, so that many rentals run at once (each reserves its offer). */
export function crashListing(gpus: number): Listing {
  return {
    region: "devnet",
    gpus: Array.from({ length: gpus }, (_, i) => ({
      model: `RTX 4090 crash-${i + 1}`,
      vramGb: 24,
      count: 1,
      cudaVersion: "12.4",
      cpuCores: 1,
      ramGb: 1,
      diskGb: 1,
      pricePerHour: String(GPUC_UNIT),
      minHours: 1,
      maxHours: 24,
    })),
  };
}

/** Consumer wallets in the data dir, each faucet-funded with ERG and holding `gpuc` units of drawn credit. */
export async function fundConsumers(options: {
  devnet: Devnet;
  dataDir: string;
  count: number;
  gpuc: bigint;
  ctx: (wallet: Wallet) => Gpuc;
}): Promise<Gpuc[]> {
  const wallets = Array.from({ length: options.count }, (_, i) =>
    ensureWalletFile(join(options.dataDir, "wallets", `consumer-${i + 1}.json`)),
  );
  const chain = options.ctx(wallets[0]!).chain.client;
  const collateral = (options.gpuc * 3n * NANOERG) / GPUC_UNIT;
  const txIds = [];
  for (const wallet of wallets)
    txIds.push((await options.devnet.faucet(wallet.address, { nanoErgs: collateral + 20n * NANOERG })).txId);
  await Promise.all(
    txIds.map((txId) => waitForConfirmations(chain, txId, 1, { pollMs: 100, timeoutMs: 60_000 })),
  );
  // One after another: every draw spends the one shared LETS box.
  const consumers: Gpuc[] = [];
  for (const wallet of wallets) {
    const ctx = options.ctx(wallet);
    await openCredit(ctx, collateral);
    await drawCredit(ctx, options.gpuc);
    consumers.push(ctx);
  }
  return consumers;
}

/** Stakes for and lists `gpus` offers as the provider; resolves to the provider id. */
export async function listOffers(provider: Gpuc, gpus: number, minStakePerGpu: bigint): Promise<string> {
  const listing = crashListing(gpus);
  await stakeProvider(provider, { nanoErgs: minStakePerGpu * BigInt(gpus) + NANOERG, listing });
  return (await listProvider(provider, { name: "crash-rig", listing })).id;
}

/** The mnemonic of a CLI wallet file (the executor signs with the provider's key). */
export function mnemonicOf(wallet: Wallet): string {
  return (JSON.parse(readFileSync(wallet.path, "utf8")) as { mnemonic: string }).mnemonic;
}
