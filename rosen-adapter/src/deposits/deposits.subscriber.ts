import { ErgoAddress, Network } from "@fleet-sdk/core";
import type { BlockChanges, BoxRule, IndexedBox, IndexSubscriber } from "@gpuc/indexer";
import type { TokenRegistry } from "../tokens/registry.ts";
import type { Deposit, DepositsRepository, NewDeposit } from "./deposits.repository.ts";

/** ErgoTrees of P2PK addresses start so: transfers into Ergo pay P2PK only (Rosen's codec refuses P2S). */
const P2PK_PREFIX = "0008cd";

/** The wrapped (rs-) tokens of the map: only Rosen's guards mint and pay them on Ergo. */
export function bridgedTokenIds(registry: TokenRegistry): Set<string> {
  return new Set(
    registry
      .tokens()
      .filter((token) => token.residency === "wrapped")
      .map((t) => t.tokenId),
  );
}

/** Keeps every wallet box holding a bridged token (so a later spend of it is seen too). */
export function bridgedBoxRule(registry: TokenRegistry): BoxRule {
  const ids = bridgedTokenIds(registry);
  return {
    kind: "rosen-bridged",
    matches: (output) =>
      output.ergoTree.startsWith(P2PK_PREFIX) && output.assets.some((asset) => ids.has(asset.tokenId)),
  };
}

export interface DepositsSubscriberOptions {
  readonly registry: TokenRegistry;
  readonly deposits: DepositsRepository;
  readonly confirmations: number;
  readonly network: "mainnet" | "testnet";
  /** Called after the commit with the deposits a block confirmed (the page's server-sent events). */
  readonly onConfirmed?: (confirmed: readonly Deposit[]) => void;
  readonly now?: () => Date;
}

/**
 * Records bridged tokens arriving at wallets: per transaction, wallet and token, what the transaction brought in
 * beyond what it spent from the same wallet (change is no deposit), in the indexer's block transaction; confirms
 * them after `confirmations` blocks and undoes both on a rollback.
 */
export function depositsSubscriber(options: DepositsSubscriberOptions): IndexSubscriber {
  const now = options.now ?? (() => new Date());
  const ids = bridgedTokenIds(options.registry);
  const prefix = options.network === "mainnet" ? Network.Mainnet : Network.Testnet;
  let confirmed: Deposit[] = [];
  return {
    name: "rosen-deposits",
    async onBlock(block, changes) {
      const found = netDeposits(changes, ids).map((deposit) => ({
        ...deposit,
        address: ErgoAddress.fromErgoTree(deposit.ergoTree, prefix).encode(prefix),
      }));
      await options.deposits.record(found, block.height, now());
      confirmed = await options.deposits.confirm(block.height, options.confirmations, now());
    },
    async onRollback(forkHeight) {
      confirmed = [];
      await options.deposits.rollback(forkHeight);
    },
    async afterCommit() {
      if (confirmed.length > 0) options.onConfirmed?.(confirmed);
      confirmed = [];
    },
  };
}

type Flow = Omit<NewDeposit, "address">;

/** Per (tx, P2PK tree, bridged token): units created minus units spent in the same tx; positive ones. */
function netDeposits(changes: BlockChanges, ids: ReadonlySet<string>): Flow[] {
  const net = new Map<string, Flow>();
  const add = (txId: string, box: IndexedBox, sign: bigint) => {
    if (!box.ergoTree.startsWith(P2PK_PREFIX)) return;
    for (const asset of box.assets) {
      if (!ids.has(asset.tokenId)) continue;
      const key = `${txId}:${box.ergoTree}:${asset.tokenId}`;
      const flow = net.get(key) ?? { txId, ergoTree: box.ergoTree, tokenId: asset.tokenId, amount: 0n };
      net.set(key, { ...flow, amount: flow.amount + sign * BigInt(asset.amount) });
    }
  };
  for (const box of changes.created) add(box.txId, box, 1n);
  for (const box of changes.spent) if (box.spentTxId) add(box.spentTxId, box, -1n);
  return [...net.values()].filter((flow) => flow.amount > 0n);
}
