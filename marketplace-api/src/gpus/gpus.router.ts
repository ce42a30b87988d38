import { assert } from "@gpuc/platform/http";
import { gpuPage, gpuSchema, searchQuery } from "@gpuc/sdk";
import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import { type GpusRepository, toGpu } from "./gpus.repository.ts";

// Search is a query and a mapping: the repository is the service.
export function gpusRoutes(gpus: GpusRepository): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/gpus",
      tag: "gpus",
      summary: "Search listed GPU offers with filters, sorting and pagination",
      query: searchQuery,
      response: gpuPage,
      handle: async ({ query }) => {
        const { rows, total } = await gpus.search(query);
        return { items: rows.map(toGpu), page: query.page, limit: query.limit, total };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/gpus/{id}",
      tag: "gpus",
      summary: "Get one GPU offer",
      params: z.object({ id: z.uuid() }),
      response: gpuSchema,
      errors: [404],
      handle: async ({ params }) => {
        const row = await gpus.find(params.id);
        assert(row && row.position >= 0, 404, `GPU offer ${params.id} not found`);
        return toGpu(row);
      },
    }),
  ];
}
