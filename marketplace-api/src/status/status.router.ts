import type { IndexStore } from "@gpuc/indexer";
import { statusSchema } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";

export function statusRoutes(
  index: IndexStore,
  network: "mainnet" | "testnet",
  indexerEnabled: boolean,
  gpucTokenId: string,
): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/status",
      tag: "status",
      summary: "Service status and the chain indexer's sync height",
      response: statusSchema,
      handle: async () => {
        const tip = await index.tip();
        return {
          status: "ok" as const,
          network,
          gpucTokenId: gpucTokenId || null,
          indexer: { enabled: indexerEnabled, height: tip?.height ?? null, headerId: tip?.headerId ?? null },
        };
      },
    }),
  ];
}
