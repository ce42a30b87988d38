import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Devnet } from "@gpuc/devnet";
import {
  buildOraclePoolMintTx,
  buildOraclePoolUpdateTx,
  type ChainClient,
  readOraclePool,
  type Signer,
  toErgoTree,
} from "@gpuc/offchain";
import type { Logger } from "@gpuc/platform";
import { z } from "zod";
import { CliError, NotFoundOnChainError } from "../core/errors.ts";

// The devnet's ERG/USD oracle pool: a stand-in box with the EIP-23 pool box layout (@gpuc/offchain's
// buildOraclePoolMintTx), owned by the system's admin key, so the on-ramp prices on a devnet exactly as it does
// on the mainnet pool. Its NFT id is kept beside the deployment, in `<data dir>/oracle-pool.json`.

/** ERG the faucet gives the operator when it has none: the pool box's value and two fees, many times over. */
const OPERATOR_FUND_NANOERG = 1_000_000_000n;

const poolFileSchema = z.object({
  nftId: z.string().regex(/^[0-9a-f]{64}$/),
  operator: z.string(),
  createdAtHeight: z.number().int(),
});

/** The devnet oracle pool of a system: its NFT (the on-ramp's ONRAMP_POOL_NFT) and the file that names it. */
export interface DevnetOraclePool {
  readonly nftId: string;
  readonly file: string;
}

/** The key that owns (guards) the devnet pool box and pays for its transactions. */
export interface PoolOperator {
  readonly address: string;
  readonly signer: Signer;
}

/** Where a data dir keeps its devnet oracle pool's NFT id. */
export function oraclePoolFile(dataDir: string): string {
  return join(dataDir, "oracle-pool.json");
}

/** The oracle pool file names an NFT this chain does not have (a fresh chain under an old data dir). */
export class StaleOraclePoolError extends CliError {
  constructor(
    readonly path: string,
    readonly nftId: string,
  ) {
    super(
      `The devnet oracle pool in ${path} (NFT ${nftId}) is not on this chain; delete that file to mint a new pool on the next \`npm start\` (or delete the whole data dir to start afresh)`,
    );
  }
}

/** No devnet oracle pool file: `npm start` with its devnet has not run on this data dir. */
export class OraclePoolFileMissingError extends NotFoundOnChainError {
  constructor(readonly path: string) {
    super(
      `No devnet oracle pool at ${path}; run \`npm start\` (it mints one on its devnet) or set GPUC_DATA_DIR to its data dir`,
    );
  }
}

/** The pool box is guarded by another key than the one given. */
export class NotPoolOperatorError extends CliError {
  constructor(
    readonly nftId: string,
    readonly address: string,
  ) {
    super(
      `${address} does not own the devnet oracle pool ${nftId}; post the rate with the system's admin wallet (<data dir>/wallets/admin.json)`,
    );
  }
}

export interface EnsureOraclePoolOptions {
  readonly chain: ChainClient;
  readonly devnet: Devnet;
  readonly operator: PoolOperator;
  readonly dataDir: string;
  /** The rate a new pool starts at (nanoERG per 1 USD). */
  readonly nanoErgPerUsd: bigint;
  readonly confirm: (txId: string) => Promise<void>;
  readonly log?: Logger;
}

/**
 * The devnet's oracle pool: the one the data dir names, checked on chain (a second start resumes it), or on the
 * first start a new one minted by the operator (funded by the faucet when it has no ERG) at `nanoErgPerUsd`.
 *
 * @example
 * const pool = await ensureDevnetOraclePool({ chain, devnet, operator: keys.admin, dataDir, nanoErgPerUsd, confirm });
 */
export async function ensureDevnetOraclePool(options: EnsureOraclePoolOptions): Promise<DevnetOraclePool> {
  const { chain, operator, confirm } = options;
  const file = oraclePoolFile(options.dataDir);
  if (existsSync(file)) {
    const { nftId } = readPoolFile(file);
    if ((await chain.unspentByTokenId(nftId, { excludeMempoolSpent: false })).length === 0) {
      throw new StaleOraclePoolError(file, nftId);
    }
    options.log?.info("PART_STARTED", {
      part: "oracle pool",
      kind: "devnet stand-in",
      nftId,
      created: false,
    });
    return { nftId, file };
  }
  if ((await chain.unspentByAddress(operator.address)).length === 0) {
    await confirm((await options.devnet.faucet(operator.address, { nanoErgs: OPERATOR_FUND_NANOERG })).txId);
  }
  const height = await chain.height();
  const { nftId, tx } = buildOraclePoolMintTx({
    inputs: await chain.unspentByAddress(operator.address),
    height,
    changeAddress: operator.address,
    operatorAddress: operator.address,
    nanoErgPerUsd: options.nanoErgPerUsd,
  });
  const txId = await chain.submit(await operator.signer.sign(tx, chain));
  // Written once the chain has the mint, before its block: a crash now leaves a file naming a real pool.
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ nftId, operator: operator.address, createdAtHeight: height }, null, 2)}\n`,
  );
  await confirm(txId);
  options.log?.info("PART_STARTED", {
    part: "oracle pool",
    kind: "devnet stand-in",
    nftId,
    created: true,
    nanoErgPerUsd: options.nanoErgPerUsd.toString(),
  });
  return { nftId, file };
}

/** The NFT id a data dir's oracle pool file names. */
export function readDevnetOraclePool(dataDir: string): DevnetOraclePool {
  const file = oraclePoolFile(dataDir);
  if (!existsSync(file)) throw new OraclePoolFileMissingError(file);
  return { nftId: readPoolFile(file).nftId, file };
}

export interface SetOracleRateOptions {
  readonly chain: ChainClient;
  readonly operator: PoolOperator;
  readonly nftId: string;
  /** The new rate: nanoERG per 1 USD. */
  readonly nanoErgPerUsd: bigint;
  /** Resolves once the transaction is in a block. */
  readonly confirm: (txId: string) => Promise<void>;
}

export interface OracleRateSet {
  readonly txId: string;
  readonly nftId: string;
  readonly previousNanoErgPerUsd: bigint;
  readonly nanoErgPerUsd: bigint;
  readonly epoch: number;
}

/**
 * Posts a new ERG/USD rate to the devnet oracle pool: the operator spends the confirmed pool box and recreates it
 * with the rate and the next epoch, at the current height (the rate's age starts again). Resolves when confirmed.
 *
 * @example
 * await setDevnetOracleRate({ chain, operator: admin, nftId, nanoErgPerUsd: 2_000_000_000n, confirm });
 */
export async function setDevnetOracleRate(options: SetOracleRateOptions): Promise<OracleRateSet> {
  const { chain, operator, nftId } = options;
  const pool = await readOraclePool(chain, { poolNftId: nftId, maxAgeBlocks: Number.MAX_SAFE_INTEGER });
  if (pool.box.ergoTree !== toErgoTree(operator.address))
    throw new NotPoolOperatorError(nftId, operator.address);
  const tx = buildOraclePoolUpdateTx({
    poolBox: pool.box,
    nanoErgPerUsd: options.nanoErgPerUsd,
    inputs: await chain.unspentByAddress(operator.address),
    height: await chain.height(),
    changeAddress: operator.address,
  });
  const txId = await chain.submit(await operator.signer.sign(tx, chain));
  await options.confirm(txId);
  return {
    txId,
    nftId,
    previousNanoErgPerUsd: pool.nanoErgPerUsd,
    nanoErgPerUsd: options.nanoErgPerUsd,
    epoch: pool.epoch + 1,
  };
}

/**
 * What the marketplace's on-ramp reads on a devnet, unless the environment says otherwise: this pool, and no
 * staleness limit that matters (the stand-in pool changes only when someone posts a rate; there are no epochs).
 */
export function devnetOnrampOracleEnv(pool: DevnetOraclePool | undefined): Record<string, string> {
  return pool ? { ONRAMP_POOL_NFT: pool.nftId, ONRAMP_MAX_ORACLE_AGE_BLOCKS: "1000000" } : {};
}

function readPoolFile(file: string): z.infer<typeof poolFileSchema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    json = undefined;
  }
  const parsed = poolFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`${file} is not a devnet oracle pool file (no nftId); delete it to mint a new pool`);
  }
  return parsed.data;
}
