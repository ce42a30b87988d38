import type { Amount, Box } from "@fleet-sdk/common";

/** How much of a token a box holds (0 when none). */
export function tokenAmount(box: Pick<Box<Amount>, "assets">, tokenId: string): bigint {
  let total = 0n;
  for (const asset of box.assets) if (asset.tokenId === tokenId) total += BigInt(asset.amount);
  return total;
}
