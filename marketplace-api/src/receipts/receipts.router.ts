import {
  instanceIdParams,
  instanceReceiptsResponse,
  receiptBatchAckSchema,
  receiptBatchSchema,
} from "@gpuc/sdk";
import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import type { ReceiptsService } from "./receipts.service.ts";

const batchParams = z.object({
  providerId: z.uuid(),
  txId: z.string().regex(/^[0-9a-f]{64}$/, "must be a transaction id (64 lowercase hex digits)"),
});

export function receiptsRoutes(receipts: ReceiptsService): Route[] {
  return [
    defineRoute({
      method: "put",
      path: "/api/v1/providers/{providerId}/receipt-batches/{txId}",
      tag: "executor",
      summary:
        "Executor: the signed usage receipts a settlement (claim or provider close) carries the Merkle root of in R5; idempotent on txId",
      auth: "provider",
      params: batchParams,
      body: receiptBatchSchema,
      response: receiptBatchAckSchema,
      errors: [404, 409, 422],
      handle: ({ principal, params, body }) =>
        receipts.putBatch(principal!, params.providerId, params.txId, body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/instances/{id}/receipts",
      tag: "instances",
      summary:
        "An instance's usage receipts (its consumer, its provider, the arbiter), each with its Merkle proof and the marketplace's checks",
      auth: "read",
      params: instanceIdParams,
      response: instanceReceiptsResponse,
      errors: [404],
      handle: ({ principal, params }) => receipts.forInstance(principal!, params.id),
    }),
  ];
}
