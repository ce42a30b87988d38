import { ERGO_CHAIN, NATIVE_RESIDENCY, type RosenChainToken, TokenMap } from "@rosen-bridge/tokens";
import { UnknownChainError } from "../errors/unknownChain.ts";
import { UnknownTokenError } from "../errors/unknownToken.ts";
import { rosenTokens, type TokenMapFile } from "./tokenMapFile.ts";

/** Rosen's name for ERG in the token map (its `tokenId` on Ergo). */
export const ERG = "erg";

/** One token of the map as it exists on Ergo: what a wallet view names it, and where it comes from. */
export interface BridgedToken {
  /** The Ergo token id (`erg` for ERG itself). */
  readonly tokenId: string;
  readonly name: string;
  readonly decimals: number;
  /** `wrapped`: an rs-token Rosen's guards mint on Ergo; `native`: an Ergo asset (SigUSD, ERG). */
  readonly residency: "native" | "wrapped";
  /** The chain the asset is native to (ethereum for rsETH and rsUSDT, ergo for SigUSD). */
  readonly originChain: string;
  /** Every other chain the set reaches from Ergo. */
  readonly chains: readonly string[];
  /** Flagged as a USD-pegged stable in the map file. */
  readonly usdPegged: boolean;
  /** Decimals of the wrapped amounts Rosen's fees and lock events are counted in (the set's smallest). */
  readonly significantDecimals: number;
}

/**
 * The bridge's token map, loaded once from a file: Rosen's own `TokenMap` (for the extractor and fee lookups) and
 * every token of it on Ergo, by id and by name. Everything the adapter offers follows this map, so a new token
 * set (USDT) is a new map file, not code.
 *
 * @example
 * const registry = await TokenRegistry.load(await readTokenMapFile(MAINNET_TOKEN_MAP));
 * registry.byErgoId("03faf2…")?.name; // "SigUSD"
 */
export class TokenRegistry {
  readonly #byId: Map<string, BridgedToken>;

  private constructor(
    readonly file: TokenMapFile,
    /** Rosen's `TokenMap` over the same sets. */
    readonly rosen: TokenMap,
  ) {
    const pegged = new Set(file.usdPegged);
    this.#byId = new Map(
      file.tokens
        .filter((set) => set.ergo !== undefined)
        .map((set) => [set.ergo!.tokenId, describe(set, pegged)] as const),
    );
  }

  static async load(file: TokenMapFile): Promise<TokenRegistry> {
    const rosen = new TokenMap();
    await rosen.updateConfigByJson(rosenTokens(file));
    return new TokenRegistry(file, rosen);
  }

  /** Every token of the map on Ergo, ERG first, then by name. */
  tokens(): BridgedToken[] {
    return [...this.#byId.values()].sort((a, b) =>
      a.tokenId === ERG ? -1 : b.tokenId === ERG ? 1 : a.name.localeCompare(b.name),
    );
  }

  byErgoId(tokenId: string): BridgedToken | undefined {
    return this.#byId.get(tokenId.toLowerCase()) ?? this.#byId.get(tokenId);
  }

  /** A token by Ergo id or by name (case-insensitive), or an `UnknownTokenError` naming the known ones. */
  resolve(token: string): BridgedToken {
    const wanted = token.toLowerCase();
    const found =
      this.byErgoId(token) ?? this.tokens().find((candidate) => candidate.name.toLowerCase() === wanted);
    if (!found)
      throw new UnknownTokenError(
        token,
        this.tokens().map((known) => known.name),
      );
    return found;
  }

  /** The Ergo tokens flagged USD-pegged. */
  stables(): BridgedToken[] {
    return this.tokens().filter((token) => token.usdPegged);
  }

  /** Every chain the map names besides Ergo. */
  chains(): string[] {
    return this.rosen
      .getAllChains()
      .filter((chain) => chain !== ERGO_CHAIN)
      .sort();
  }

  /** The token's entry on `chain`, or an `UnknownChainError` naming the chains it reaches. */
  onChain(token: BridgedToken, chain: string): RosenChainToken {
    const set = this.rosen.getTokenSet(token.tokenId);
    const entry = set?.[chain];
    if (!entry || chain === ERGO_CHAIN) throw new UnknownChainError(chain, token.chains);
    return entry;
  }

  /** `amount` Ergo units of the token in Rosen's wrapped units (decimals dropped to the set's smallest, rounded up). */
  wrap(token: BridgedToken, amount: bigint): bigint {
    return this.rosen.wrapAmount(token.tokenId, amount, ERGO_CHAIN).amount;
  }

  /** `wrapped` units back in Ergo units. */
  unwrap(token: BridgedToken, wrapped: bigint): bigint {
    return this.rosen.unwrapAmount(token.tokenId, wrapped, ERGO_CHAIN).amount;
  }
}

function describe(set: Record<string, RosenChainToken>, pegged: ReadonlySet<string>): BridgedToken {
  const ergo = set.ergo!;
  const chains = Object.keys(set).filter((chain) => chain !== ERGO_CHAIN);
  const origin =
    Object.entries(set).find(([, entry]) => entry.residency === NATIVE_RESIDENCY)?.[0] ?? ERGO_CHAIN;
  return {
    tokenId: ergo.tokenId,
    name: ergo.name,
    decimals: ergo.decimals,
    residency: ergo.residency === NATIVE_RESIDENCY ? "native" : "wrapped",
    originChain: origin,
    chains: chains.sort(),
    usdPegged: pegged.has(ergo.tokenId),
    significantDecimals: Math.min(...Object.values(set).map((entry) => entry.decimals)),
  };
}
