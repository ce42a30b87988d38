import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import type { Deployment } from "@gpuc/ergoscript";
import type { BoxRule, IndexSubscriber } from "@gpuc/indexer";
import type { ChainClient } from "@gpuc/offchain";
import { type Database, loadMigrations, migrate } from "@gpuc/platform";
import { BridgeService } from "./bridge.service.ts";
import type { RosenConfig } from "./config.ts";
import { type Deposit, DepositsRepository } from "./deposits/deposits.repository.ts";
import { bridgedBoxRule, depositsSubscriber } from "./deposits/deposits.subscriber.ts";
import { MinFeeBoxReader, type MinFeeSource } from "./fees/minFee.ts";
import { TokenRegistry } from "./tokens/registry.ts";
import { readTokenMapFile } from "./tokens/tokenMapFile.ts";

const MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** Applies the adapter's migrations (`rosen-adapter/migrations/*.sql`). Idempotent. */
export async function migrateRosen(db: Database): Promise<string[]> {
  return migrate(db.pool, "rosen", await loadMigrations(MIGRATIONS));
}

export interface BridgeDeps {
  /** The host's database: deposits commit with the indexer's blocks. */
  readonly db: Database;
  readonly chain: ChainClient;
  /** The node URL Rosen's min-fee reader asks (the chain client's). */
  readonly nodeUrl: string;
  readonly deployment: Deployment;
  readonly config: RosenConfig;
  /** Another source of minimum fees (default: the chain's min-fee config boxes). */
  readonly minFees?: MinFeeSource;
  readonly now?: () => Date;
}

/**
 * The Rosen adapter, built once: its token registry, the routes' service, the indexer rule and subscriber that
 * record deposits, and `onConfirmed` for the page's live notifications.
 *
 * @example
 * const bridge = await createBridge({ db, chain, nodeUrl, deployment, config: loadRosenConfig()! });
 * indexer.addRule(bridge.rule).subscribe(bridge.subscriber);
 */
export async function createBridge(deps: BridgeDeps) {
  const registry = await TokenRegistry.load(await readTokenMapFile(deps.config.tokenMap));
  const deposits = new DepositsRepository(deps.db);
  const events = new EventEmitter().setMaxListeners(0);
  const minFees =
    deps.minFees ??
    new MinFeeBoxReader({
      nodeUrl: deps.nodeUrl,
      minFeeNft: deps.config.minFeeNft,
      height: () => deps.chain.height(),
    });
  const service = new BridgeService({
    registry,
    deposits,
    chain: deps.chain,
    deployment: deps.deployment,
    minFees,
    lockAddress: deps.config.lockAddress,
    rosenAppUrl: deps.config.rosenAppUrl,
    confirmations: deps.config.confirmations,
    // The on-ramp's staleness bound would refuse the devnet's stand-in pool, which moves only when told to.
    oracle: deps.config.poolNftId ? { poolNftId: deps.config.poolNftId, maxAgeBlocks: 1_000_000 } : undefined,
  });
  const rule: BoxRule = bridgedBoxRule(registry);
  const subscriber: IndexSubscriber = depositsSubscriber({
    registry,
    deposits,
    confirmations: deps.config.confirmations,
    network: deps.config.network,
    now: deps.now,
    onConfirmed: (confirmed) => {
      for (const deposit of confirmed) events.emit("confirmed", deposit);
    },
  });
  return {
    config: deps.config,
    registry,
    service,
    rule,
    subscriber,
    /** How many deposit streams are open. */
    listeners: () => events.listenerCount("confirmed"),
    /** Calls `listener` with each deposit as it confirms; returns the unsubscribe. */
    onConfirmed(listener: (deposit: Deposit) => void): () => void {
      events.on("confirmed", listener);
      return () => events.off("confirmed", listener);
    },
  };
}

export type Bridge = Awaited<ReturnType<typeof createBridge>>;
