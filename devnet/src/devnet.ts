import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  createLogger,
  createPool,
  Database,
  type EmbeddedPostgres,
  type Logger,
  loadMigrations,
  migrate,
  startEmbeddedPostgres,
} from "@gpuc/platform";
import type { ErgoStateContext } from "ergo-lib-wasm-nodejs";
import { ergoTreeOfAddress, type NetworkName } from "./chain/address.ts";
import {
  Chain,
  type MinedBlock,
  type ReorgResult,
  type RollbackOptions,
  type RollbackResult,
} from "./chain/chain.ts";
import { faucetAddress } from "./chain/genesis.ts";
import type { BlockHeader } from "./chain/headers.ts";
import { unspentBoxes } from "./chain/queries.ts";
import { ChainStore } from "./chain/store.ts";
import { DevnetError, DevnetStoppedError } from "./errors/index.ts";
import { type FaucetRequest, type FaucetResult, payFromFaucet } from "./faucet.ts";
import { createApp } from "./http/app.ts";
import { MAX_ITEMS } from "./http/params.ts";
import { submitFastPath } from "./http/submit-fast-path.ts";
import type { Box } from "./tx/types.ts";

export interface DevnetOptions {
  /** PostgreSQL URL. Without one, an embedded PostgreSQL server keeps it in `dataDir`. */
  readonly databaseUrl?: string;
  /** Folder of the embedded database when no `databaseUrl` is given (default `.data/devnet-pg`). */
  readonly dataDir?: string;
  /** Mine a block every `blockMs` ms (default 2000); 0 mines only on demand (`mine()`, `POST /devnet/mine`). */
  readonly blockMs?: number;
  /** Serve the node REST API on this port (0: any free port). Omitted: no HTTP server. */
  readonly port?: number;
  readonly host?: string;
  /** Address encoding in API answers (default testnet, like the faucet's `3W…` address). */
  readonly network?: NetworkName;
  readonly logger?: Logger;
}

/** A signed transaction as the node takes it: node JSON or EIP-12; amounts as strings, numbers or bigints. */
export interface SignedTransactionInput {
  readonly id?: string;
  readonly inputs: readonly {
    readonly boxId: string;
    /** `null` (Fleet's "not signed yet") is rejected as malformed. */
    readonly spendingProof: {
      readonly proofBytes: string;
      readonly extension?: Readonly<Record<string, string | undefined>>;
    } | null;
  }[];
  readonly dataInputs?: readonly { readonly boxId: string }[];
  readonly outputs: readonly {
    readonly value: string | number | bigint;
    readonly ergoTree: string;
    readonly creationHeight: number;
    readonly assets?: readonly { readonly tokenId: string; readonly amount: string | number | bigint }[];
    readonly additionalRegisters?: Readonly<Record<string, string | undefined>>;
  }[];
}

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * An embedded Ergo-compatible chain: every transaction validated by ergo-lib, blocks and the UTXO set in
 * PostgreSQL, the node's REST API subset over HTTP. A restart on the same database continues the same chain.
 *
 * @example
 * const devnet = await Devnet.start({ databaseUrl, blockMs: 0, port: 0 });
 * const { txId } = await devnet.faucet(address, { nanoErgs: 10_000_000_000n });
 * await devnet.mine();
 * await devnet.stop();
 */
export class Devnet {
  readonly #chain: Chain;
  readonly #db: Database;
  readonly #embedded: EmbeddedPostgres | undefined;
  readonly #log: Logger;
  readonly #network: NetworkName;
  readonly #blockMs: number;
  readonly #launchTime = Date.now();
  #server: Server | undefined;
  #url: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #genesisBlockId: string | undefined;
  #stopped = false;

  private constructor(
    chain: Chain,
    db: Database,
    embedded: EmbeddedPostgres | undefined,
    options: DevnetOptions,
  ) {
    this.#chain = chain;
    this.#db = db;
    this.#embedded = embedded;
    this.#log = options.logger ?? createLogger("devnet");
    this.#network = options.network ?? "testnet";
    this.#blockMs = options.blockMs ?? 2000;
  }

  /** Opens (or creates) the chain in the database, then serves HTTP and mines blocks as configured. */
  static async start(options: DevnetOptions = {}): Promise<Devnet> {
    const log = options.logger ?? createLogger("devnet");
    const embedded = options.databaseUrl
      ? undefined
      : await startEmbeddedPostgres({ dataDir: options.dataDir ?? ".data/devnet-pg" });
    const db = new Database(createPool(options.databaseUrl ?? embedded!.url, { max: 4 }));
    try {
      await migrate(db.pool, "devnet", await loadMigrations(MIGRATIONS));
      const chain = await Chain.open(new ChainStore(db), { log });
      const devnet = new Devnet(chain, db, embedded, { ...options, logger: log });
      db.pool.on("error", (error) => devnet.#onIdleClientError(error));
      if (options.port !== undefined) await devnet.#listen(options.port, options.host ?? "127.0.0.1");
      devnet.#scheduleBlock();
      log.info("DEVNET_STARTED", { height: chain.height, url: devnet.#url, blockMs: devnet.#blockMs });
      return devnet;
    } catch (error) {
      await db.close().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      throw error;
    }
  }

  /** `http://host:port` of the node API; only when started with a `port`. */
  get url(): string {
    if (!this.#url)
      throw new DevnetError("This devnet serves no HTTP API; start it with a `port` (0 = any free port)");
    return this.#url;
  }

  get height(): number {
    return this.#chain.height;
  }

  /** The faucet's address (its key is public devnet material: `DEVNET_FAUCET_SECRET_HEX`). */
  get faucetAddress(): string {
    return faucetAddress(this.#network);
  }

  /** Validates a signed transaction (object or JSON text) and adds it to the mempool; resolves to its id. */
  async submit(tx: SignedTransactionInput | string): Promise<string> {
    return this.#chain.submit(this.#input(tx));
  }

  /** Validates without adding to the mempool; resolves to the id, or throws DevnetRejectedError. */
  async check(tx: SignedTransactionInput | string): Promise<string> {
    return this.#chain.check(this.#input(tx));
  }

  async mine(): Promise<MinedBlock> {
    this.#ensureRunning();
    return this.#chain.mine();
  }

  /** Mines `count` blocks in a row (to let `HEIGHT` pass a deadline). */
  async mineBlocks(count: number): Promise<MinedBlock[]> {
    const blocks: MinedBlock[] = [];
    for (let i = 0; i < count; i++) blocks.push(await this.mine());
    return blocks;
  }

  /**
   * Undoes the last `blocks` blocks. Their transactions go back to the mempool (revalidated, as after a reorg on
   * a node) unless `dropTransactions`; the UTXO set is exactly what it was below them.
   */
  async rollback(blocks: number, options?: RollbackOptions): Promise<RollbackResult> {
    this.#ensureRunning();
    return this.#chain.rollback(blocks, options);
  }

  /**
   * A reorg of depth `blocks`: the last `blocks` blocks are replaced by `blocks + 1` new ones, the last of which
   * holds their transactions again (see `Chain.reorg`).
   */
  async reorg(blocks: number): Promise<ReorgResult> {
    this.#ensureRunning();
    return this.#chain.reorg(blocks);
  }

  /** Pays from the faucet (and mints tokens) in real signed transactions, into the mempool; the caller mines. */
  async faucet(address: string, request: FaucetRequest): Promise<FaucetResult> {
    this.#ensureRunning();
    return payFromFaucet(this.#chain, address, request);
  }

  /** The newest `count` headers, oldest first, as `GET /blocks/lastHeaders/{count}` returns them. */
  lastHeaders(count = 10): Promise<BlockHeader[]> {
    return this.#chain.lastHeaders(count);
  }

  /** ergo-lib's state context for the next block, for signing in-process (`Wallet.sign_transaction`). */
  stateContext(): ErgoStateContext {
    return this.#chain.nextBlockContext();
  }

  /** An unspent box by id, with the mempool applied (`/utxo/withPool/byId`). */
  async unspentBox(boxId: string): Promise<Box | undefined> {
    const state = await this.#chain.boxWithPool(boxId);
    return state?.status === "unspent" ? state.box : undefined;
  }

  /** Unspent boxes of an address, oldest first; mempool outputs included and mempool spends left out by default. */
  async unspentBoxes(address: string, options: { includeUnconfirmed?: boolean } = {}): Promise<Box[]> {
    const listed = await unspentBoxes(
      this.#chain,
      { ergoTree: ergoTreeOfAddress(address) },
      {
        offset: 0,
        limit: MAX_ITEMS,
        direction: "asc",
        includeUnconfirmed: options.includeUnconfirmed ?? true,
        excludeMempoolSpent: options.includeUnconfirmed ?? true,
      },
    );
    return listed.map((item) => item.box);
  }

  /** Stops mining and HTTP, waits for the current block, and closes the database. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#closeServer();
    await this.#chain.exclusive(async () => undefined);
    await this.#db.close();
    await this.#embedded?.stop();
    this.#log.info("DEVNET_STOPPED", { height: this.#chain.height });
  }

  // An idle pooled connection failed (server restart, or the database dropped right after `stop()`): pg has
  // already discarded it and reconnects on demand.
  #onIdleClientError(error: Error): void {
    if (!this.#stopped) this.#log.warn("DB_CONNECTION_LOST", { error });
  }

  #input(tx: SignedTransactionInput | string): unknown {
    this.#ensureRunning();
    return tx;
  }

  #ensureRunning(): void {
    if (this.#stopped) throw new DevnetStoppedError();
  }

  #scheduleBlock(): void {
    if (this.#blockMs <= 0 || this.#stopped) return;
    this.#timer = setTimeout(async () => {
      await this.#chain.mine().catch((error: unknown) => this.#log.error("BLOCK_FAILED", { error }));
      this.#scheduleBlock();
    }, this.#blockMs);
  }

  async #listen(port: number, host: string): Promise<void> {
    const app = createApp(
      {
        chain: this.#chain,
        network: this.#network,
        launchTime: this.#launchTime,
        isMining: this.#blockMs > 0,
        genesisBlockId: () => this.#firstBlockId(),
        faucet: (address, request) => this.faucet(address, request),
        mine: () => this.mine(),
        rollback: (blocks, options) => this.rollback(blocks, options),
      },
      this.#log,
    );
    const submit = submitFastPath(this.#chain, this.#log);
    const server = createServer((req, res) => {
      if (!submit(req, res)) app(req, res);
    });
    // Idle kept-alive connections stay open a minute, not Node's 5 s: tests and tools run the devnet in their own
    // process, and one busy for seconds (compiling contracts) would otherwise find its next request on a socket the
    // server closed meanwhile (ECONNRESET).
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#server = server;
    const address = server.address() as AddressInfo;
    this.#url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  }

  async #closeServer(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #firstBlockId(): Promise<string> {
    this.#genesisBlockId ??= (await this.#chain.store.blockAt(1))?.header.id;
    return this.#genesisBlockId ?? "";
  }
}
