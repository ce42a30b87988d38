import { protocolTotalsSchema } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { TotalsService } from "./totals.service.ts";

export function protocolTotalsRoutes(totals: TotalsService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/protocol/totals",
      tag: "protocol",
      summary:
        "Auditor totals at the indexed height: GPUC supply, in and outside the Bank, Σ debts, swap issuance, the LETS invariant checked live, escrowed GPUC, claims and fees per day, open disputes",
      response: protocolTotalsSchema,
      handle: () => totals.totals(),
    }),
  ];
}
