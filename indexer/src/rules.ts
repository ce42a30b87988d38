import { DuplicateRuleError } from "./errors.ts";

/** The part of a transaction output a rule looks at. */
export interface OutputLike {
  readonly ergoTree: string;
  readonly assets: readonly { readonly tokenId: string; readonly amount: string | number | bigint }[];
}

/**
 * Decides whether the index keeps an output, and under which kind. A part of the system that needs boxes
 * followed (the marketplace's escrows, a Rosen deposit watcher) registers its own rule; the indexer knows none.
 */
export interface BoxRule {
  /** The name the kept boxes are filed under (`IndexedBox.kind`), e.g. "escrow". */
  readonly kind: string;
  matches(output: OutputLike): boolean;
}

/** Keeps every box guarded by `ergoTree` (a contract's boxes). */
export function byErgoTree(kind: string, ergoTree: string): BoxRule {
  const tree = ergoTree.toLowerCase();
  return { kind, matches: (output) => output.ergoTree.toLowerCase() === tree };
}

/** Keeps every box that holds some of `tokenId` (e.g. wallets holding GPUC, for balances). */
export function holdingToken(kind: string, tokenId: string): BoxRule {
  const token = tokenId.toLowerCase();
  return {
    kind,
    matches: (output) => output.assets.some((asset) => asset.tokenId.toLowerCase() === token),
  };
}

/** The registered rules, asked in registration order: the first that matches names the box's kind. */
export class BoxRules {
  readonly #rules: BoxRule[] = [];

  add(rule: BoxRule): void {
    if (this.#rules.some((known) => known.kind === rule.kind)) throw new DuplicateRuleError(rule.kind);
    this.#rules.push(rule);
  }

  classify(output: OutputLike): string | undefined {
    return this.#rules.find((rule) => rule.matches(output))?.kind;
  }
}

/** Units of `tokenId` an output holds (0 when none). */
export function tokenAmount(output: OutputLike, tokenId: string): bigint {
  const token = tokenId.toLowerCase();
  return output.assets
    .filter((asset) => asset.tokenId.toLowerCase() === token)
    .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);
}
