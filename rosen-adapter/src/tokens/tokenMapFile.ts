import { readFile } from "node:fs/promises";
import type { RosenTokens } from "@rosen-bridge/tokens";
import { z } from "zod";
import { TokenMapInvalidError } from "../errors/tokenMapInvalid.ts";

const chainToken = z.object({
  tokenId: z.string().min(1),
  name: z.string(),
  decimals: z.number().int().min(0).max(30),
  type: z.string(),
  residency: z.enum(["native", "wrapped"]),
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/**
 * A token map file: Rosen's published map (`tokens`, exactly as a `tokensMap-<network>-<version>.json` release
 * holds it), with where it came from, and GPUC's one addition: which token sets are USD-pegged stables, named
 * by their Ergo token id (a flag per set, kept outside Rosen's entries so a new Rosen release drops in as is).
 */
export const tokenMapFileSchema = z.object({
  source: z.string().default("(unnamed)"),
  version: z.string(),
  network: z.string().default("mainnet"),
  usdPegged: z.array(z.string().regex(/^[0-9a-f]{64}$/, "must be an Ergo token id (64 hex)")).default([]),
  tokens: z.array(z.record(z.string(), chainToken)).min(1),
});

export type TokenMapFile = z.infer<typeof tokenMapFileSchema>;

/** The vendored mainnet map (Rosen contract release 7.0.0-3dbbdd3; SigUSD and USE flagged USD-pegged). */
export const MAINNET_TOKEN_MAP = new URL("../../token-maps/mainnet.json", import.meta.url);

/** The devnet map's template: `devnet:<NAME>` Ergo ids are minted by `deployRosenDevnet` (USDT set, SigUSD, rsETH). */
export const DEVNET_TOKEN_MAP_TEMPLATE = new URL("../../token-maps/devnet.template.json", import.meta.url);

/** Reads and checks a token map file (JSON). */
export async function readTokenMapFile(path: string | URL): Promise<TokenMapFile> {
  const source = String(path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new TokenMapInvalidError(source, error instanceof Error ? error.message : String(error));
  }
  return parseTokenMapFile(json, source);
}

/** Checks a token map document: the schema, and that every USD-pegged id is a token of the map on Ergo. */
export function parseTokenMapFile(json: unknown, source = "(inline)"): TokenMapFile {
  const parsed = tokenMapFileSchema.safeParse(json);
  if (!parsed.success) throw new TokenMapInvalidError(source, z.prettifyError(parsed.error));
  const onErgo = new Set(parsed.data.tokens.map((set) => set.ergo?.tokenId));
  const stray = parsed.data.usdPegged.filter((id) => !onErgo.has(id));
  if (stray.length > 0)
    throw new TokenMapInvalidError(source, `usdPegged names ids the map has no Ergo token for: ${stray}`);
  return parsed.data;
}

/** The map part as Rosen's `TokenMap` takes it. */
export const rosenTokens = (file: TokenMapFile): RosenTokens => file.tokens;
