import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Devnet } from "@gpuc/devnet";
import type { Deployment } from "@gpuc/ergoscript";
import {
  buildConfigUpdate,
  type ChainClient,
  parseConfigBox,
  type Signer,
  Signer as Signers,
} from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import {
  DEVNET_TOKEN_MAP_TEMPLATE,
  deployRosenDevnet,
  parseTokenMapFile,
  proposedWhitelist,
  type RosenDevnetDeployment,
  TokenRegistry,
} from "@gpuc/rosen-adapter";
import { z } from "zod";
import { CliError } from "../core/errors.ts";
import { ensureSecret } from "./keys.ts";

// The devnet's Rosen Bridge: Rosen's Ergo side deployed with its own layouts (deployRosenDevnet), kept beside the
// deployment in `<data dir>/rosen.json` and its token map in `<data dir>/rosen-token-map.json` (ROSEN_TOKEN_MAP).

/** ERG the faucet gives the devnet guard: deployment fees and the deposits it pays, many times over. */
const GUARD_FUND_NANOERG = 20_000_000_000n;

export interface DevnetRosen {
  readonly deployment: RosenDevnetDeployment;
  readonly file: string;
  readonly tokenMapFile: string;
}

export interface EnsureRosenOptions {
  readonly chain: ChainClient;
  readonly devnet: Devnet;
  readonly gpuc: Deployment;
  /** The Config admin: proposes the whitelist from the devnet map. */
  readonly admin: Signer;
  readonly dataDir: string;
  readonly keysDir: string;
  /** The devnet ERG/USD rate (nanoERG per USD) the whitelist rates are priced at. */
  readonly nanoErgPerUsd: bigint;
  readonly confirm: (txId: string) => Promise<void>;
  readonly log?: Logger;
}

/** Where a data dir keeps its devnet Rosen deployment. */
export function rosenFile(dataDir: string): string {
  return join(dataDir, "rosen.json");
}

/**
 * The devnet's Rosen deployment: the one the data dir names (checked on chain), or on the first start a new one
 * (the guard funded by the faucet), with the Config whitelist proposed from its map by the admin.
 */
export async function ensureDevnetRosen(options: EnsureRosenOptions): Promise<DevnetRosen> {
  const file = rosenFile(options.dataDir);
  const tokenMapFile = join(options.dataDir, "rosen-token-map.json");
  const known = existsSync(file) ? readRosenFile(file) : undefined;
  if (known && (await options.chain.unspentByTokenId(known.guardNftId)).length === 0)
    throw new CliError(
      `The devnet Rosen deployment in ${file} is not on this chain; delete that file to deploy anew`,
    );
  const deployment = known ?? (await deploy(options, file));
  writeFileSync(tokenMapFile, `${JSON.stringify(deployment.tokenMap, null, 2)}\n`);
  await proposeWhitelist(options, deployment);
  options.log?.info("PART_STARTED", {
    part: "rosen bridge",
    kind: "devnet",
    lock: deployment.lock.address,
    minFeeNft: deployment.minFeeNftId,
    tokens: deployment.tokenMap.tokens.map((set) => set.ergo?.name).join(", "),
    created: !known,
  });
  return { deployment, file, tokenMapFile };
}

/** The devnet guard (the faucet for bridged tokens): its key lives in the keys dir. */
export function devnetGuard(keysDir: string): Signer {
  return Signers.fromSecretHex(ensureSecret(join(keysDir, "rosen-guard.key")));
}

async function deploy(options: EnsureRosenOptions, file: string): Promise<RosenDevnetDeployment> {
  const guard = devnetGuard(options.keysDir);
  // The min-fee boxes' owner never spends: a key of its own, not the guard whose wallet pays deposits.
  const feeAdmin = Signers.fromSecretHex(ensureSecret(join(options.keysDir, "rosen-fee-admin.key")));
  await options.confirm((await options.devnet.faucet(guard.address, { nanoErgs: GUARD_FUND_NANOERG })).txId);
  const deployment = await deployRosenDevnet({
    chain: options.chain,
    guard,
    template: JSON.parse(readFileSync(DEVNET_TOKEN_MAP_TEMPLATE, "utf8")),
    minFeeOwner: feeAdmin.address,
    confirm: options.confirm,
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return deployment;
}

/** The admin's Config update putting the map's stables on the whitelist, unless it already lists them all. */
async function proposeWhitelist(
  options: EnsureRosenOptions,
  deployment: RosenDevnetDeployment,
): Promise<void> {
  const { chain, gpuc, admin } = options;
  const [[configBox], [bankBox]] = await Promise.all([
    chain.unspentByTokenId(gpuc.configNftId),
    chain.unspentByTokenId(gpuc.bankNftId),
  ]);
  if (!configBox || !bankBox) throw new CliError("The GPUC Config or Bank box is not on the devnet yet");
  const config = parseConfigBox(configBox, gpuc.configNftId);
  const registry = await TokenRegistry.load(deployment.tokenMap);
  const listed = new Set(config.whitelist.map((entry) => entry.tokenId));
  if (registry.stables().every((token) => listed.has(token.tokenId))) return;
  const price = { priceNanoErgPerGpuc: config.price, nanoErgPerUsd: options.nanoErgPerUsd };
  const whitelist = proposedWhitelist(registry, config, price, bankBox);
  // Plain-ERG boxes only: the admin also guards the devnet oracle pool box, which a fee must not sweep up.
  const wallet = {
    inputs: (await chain.unspentByAddress(admin.address)).filter((box) => box.assets.length === 0),
    changeAddress: admin.address,
    height: await chain.height(),
  };
  const tx = buildConfigUpdate(
    { deployment: gpuc, configBox, role: "admin", changes: { whitelist } },
    wallet,
  );
  await options.confirm(await chain.submit(await admin.sign(tx, chain)));
}

/** What the marketplace runs the bridge with on this devnet (unless the environment says otherwise). */
export function devnetRosenEnv(rosen: DevnetRosen | undefined, poolNftId?: string): Record<string, string> {
  if (!rosen) return {};
  return {
    ROSEN_TOKEN_MAP: rosen.tokenMapFile,
    ROSEN_LOCK_ADDRESS: rosen.deployment.lock.address,
    ROSEN_MIN_FEE_NFT: rosen.deployment.minFeeNftId,
    ROSEN_DEPOSIT_CONFIRMATIONS: "2",
    ...(poolNftId ? { ROSEN_POOL_NFT: poolNftId } : {}),
  };
}

const id = z.string().regex(/^[0-9a-f]{64}$/);
const rosenFileSchema = z.object({
  guardNftId: id,
  minFeeNftId: id,
  lock: z.object({ ergoTree: z.string(), address: z.string() }),
  tokenMap: z.unknown(),
  guardAddress: z.string(),
  createdAtHeight: z.number().int(),
});

/** The devnet Rosen deployment a data dir's `rosen.json` names. */
export function readRosenFile(file: string): RosenDevnetDeployment {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    json = undefined;
  }
  const parsed = rosenFileSchema.safeParse(json);
  if (!parsed.success)
    throw new CliError(
      `${file} is not a devnet Rosen deployment file; delete it to deploy anew on the next npm start`,
    );
  return { ...parsed.data, tokenMap: parseTokenMapFile(parsed.data.tokenMap, file) };
}
