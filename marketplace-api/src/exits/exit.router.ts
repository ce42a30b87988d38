import { exitTxSchema, fundingRequest, instanceIdParams, instanceSchema } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { ExitService } from "./exit.service.ts";

export function exitRoutes(exits: ExitService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/exit",
      tag: "instances",
      summary:
        "Consumer exit (the trustless refund path): the unsigned transaction that closes the escrow without the " +
        "provider — every started, unpaid hour to the provider, the rest refunded — with the split in GPUC units",
      auth: "consumer",
      params: instanceIdParams,
      response: exitTxSchema,
      errors: [404, 409, 422, 503],
      handle: ({ principal, params }) => exits.exitTx(principal, params.id),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/exit/funding",
      tag: "instances",
      summary:
        "Submit the wallet-signed consumer exit; it is recorded as the settlement and the rental stops (user_stopped)",
      auth: "consumer",
      params: instanceIdParams,
      body: fundingRequest,
      response: instanceSchema,
      errors: [404, 409, 422, 503],
      handle: ({ principal, params, body }) => exits.submit(principal, params.id, body.signedTx),
    }),
  ];
}
