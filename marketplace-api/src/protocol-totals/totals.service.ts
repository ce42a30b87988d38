import type { IndexedBox, IndexStore } from "@gpuc/indexer";
import { GPUC_SUPPLY, parseCreditAccount } from "@gpuc/offchain";
import type { ProtocolTotals } from "@gpuc/sdk";
import { toFleetBox } from "../chain/indexed-lineage.ts";
import { indexedConfig } from "../wallet/indexed-config.ts";
import type { EscrowSpendRow, TotalsRepository } from "./totals.repository.ts";

/**
 * The protocol's totals for auditors, from the chain index (so as of its tip) and the marketplace's disputes.
 *
 * The LETS invariant (docs/protocol.md): Σ debts = GPUC outside the Bank − GPUC net issued by swaps. Swap issuance
 * is read from the Bank's history: in each transaction that spent a Bank box, the GPUC that left it and was not
 * drawn as debt (Δ of the account boxes it spent and created) is swap issuance when the Bank's stable reserve
 * moved in it, and "unexplained" when it did not, which must never happen. With that, and every GPUC in the
 * index adding up to the supply, the invariant is checked live rather than assumed.
 */
export class TotalsService {
  constructor(
    private readonly repo: TotalsRepository,
    private readonly index: IndexStore,
    private readonly gpucTokenId: string,
  ) {}

  async totals(): Promise<ProtocolTotals> {
    const [sums, accounts, history, config, tip, openDisputes] = await Promise.all([
      this.repo.sums(),
      this.repo.unspentAccounts(),
      this.repo.letsHistory(),
      indexedConfig(this.index).catch(() => undefined),
      this.index.tip(),
      this.repo.openDisputes(),
    ]);
    const debts = accounts.reduce((sum, box) => sum + debtOf(box), 0n);
    const { swapIssued, unexplained } = this.#issuance(history.bank, history.accounts);
    const outsideBank = history.bank.length > 0 ? GPUC_SUPPLY - sums.bank : 0n;
    const conserved = history.bank.length === 0 || sums.indexed === GPUC_SUPPLY;
    const backed = debts === outsideBank - swapIssued && unexplained === 0n;
    return {
      height: tip?.height ?? null,
      gpucSupply: GPUC_SUPPLY.toString(),
      indexedGpuc: sums.indexed.toString(),
      bankGpuc: sums.bank.toString(),
      outsideBank: outsideBank.toString(),
      debts: debts.toString(),
      swapIssued: swapIssued.toString(),
      unexplained: unexplained.toString(),
      accounts: accounts.length,
      escrowedGpuc: sums.escrowed.toString(),
      escrows: Number(sums.escrows),
      invariant: { holds: conserved && backed, conserved, backed },
      days: perDay(await this.repo.escrowSpends(config?.treasury)),
      openDisputes,
    };
  }

  /** Per Bank transition: GPUC out of the Bank − debt drawn in the same transaction, by whether it swapped. */
  #issuance(bank: readonly IndexedBox[], accounts: readonly IndexedBox[]) {
    let swapIssued = 0n;
    let unexplained = 0n;
    const created = groupBy(accounts, (a) => a.txId);
    const spent = groupBy(accounts, (a) => a.spentTxId);
    const successor = new Map(bank.map((b) => [b.txId, b]));
    for (const box of bank) {
      if (!box.spentTxId) continue;
      const next = successor.get(box.spentTxId);
      if (!next) continue;
      const drawn = sumDebts(created.get(box.spentTxId) ?? []) - sumDebts(spent.get(box.spentTxId) ?? []);
      const notDebt = box.gpuc - next.gpuc - drawn;
      if (reserveMoved(box, next, this.gpucTokenId)) swapIssued += notDebt;
      else unexplained += notDebt;
    }
    return { swapIssued, unexplained };
  }
}

/** The debt of an indexed account box (kept by the deployment's Credit Account tree: that is its contract). */
function debtOf(box: IndexedBox): bigint {
  try {
    return parseCreditAccount(toFleetBox(box), { contracts: { creditAccount: { ergoTree: box.ergoTree } } })
      .debt;
  } catch {
    return 0n; // a box someone sent to the contract's address without account registers owes nothing
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function sumDebts(boxes: readonly IndexedBox[]): bigint {
  return boxes.reduce((sum, box) => sum + debtOf(box), 0n);
}

/** Whether any token other than GPUC (the stable reserve; the NFT stays) changed between two Bank boxes. */
function reserveMoved(before: IndexedBox, after: IndexedBox, gpucTokenId: string): boolean {
  const held = (box: IndexedBox) =>
    new Map(box.assets.filter((a) => a.tokenId !== gpucTokenId).map((a) => [a.tokenId, BigInt(a.amount)]));
  const [a, b] = [held(before), held(after)];
  const ids = new Set([...a.keys(), ...b.keys()]);
  return [...ids].some((id) => (a.get(id) ?? 0n) !== (b.get(id) ?? 0n));
}

function perDay(rows: readonly EscrowSpendRow[]): ProtocolTotals["days"] {
  const days = new Map<string, { claims: number; closes: number; providerGpuc: bigint; fees: bigint }>();
  for (const row of rows) {
    const day = days.get(row.day) ?? { claims: 0, closes: 0, providerGpuc: 0n, fees: 0n };
    if (row.recreated) day.claims++;
    else day.closes++;
    day.providerGpuc += row.provider ?? 0n;
    day.fees += row.fees ?? 0n;
    days.set(row.day, day);
  }
  return [...days].map(([day, sum]) => ({
    day,
    claims: sum.claims,
    closes: sum.closes,
    providerGpuc: sum.providerGpuc.toString(),
    fees: sum.fees.toString(),
  }));
}
