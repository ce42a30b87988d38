import { receiptMismatchesResponse } from "@gpuc/sdk";
import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import type { ReconciliationService } from "./reconciliation.service.ts";

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/**
 * The auditor's view of the reconciliation: public, like the protocol totals. It names transactions (public on
 * chain) and never a rental or a consumer.
 */
export function reconciliationRoutes(reconciliation: ReconciliationService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/protocol/receipt-mismatches",
      tag: "protocol",
      summary:
        "Auditor: settlements whose receipts do not reconcile (by kind, 0 expected) and the latest findings",
      query,
      response: receiptMismatchesResponse,
      handle: ({ query }) => reconciliation.findings(query.limit),
    }),
  ];
}
