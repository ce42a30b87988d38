import { HttpError } from "@gpuc/platform/http";
import {
  CREDENTIAL_SCOPES,
  createdInstanceSchema,
  createInstanceRequest,
  credentialSchema,
  disputeRequest,
  executorInstanceListSchema,
  executorInstancesQuery,
  extendRequest,
  fundingRequest,
  instanceEventRequest,
  instanceIdParams,
  instancePage,
  instanceSchema,
  issueCredentialRequest,
  LIVE_STATES,
  listInstancesQuery,
  providerIdParams,
  resolveRequest,
} from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import type { ArbiterService } from "./arbiter.service.ts";
import type { DisputesService } from "./disputes.service.ts";
import type { ExecutorReportsService } from "./executor-reports.service.ts";
import type { FundingService } from "./funding.service.ts";
import type { InstancesService } from "./instances.service.ts";

export interface RentalServices {
  instances: InstancesService;
  /** Absent without a chain connection: renting and topping up answer 503. */
  funding: FundingService | undefined;
  executorReports: ExecutorReportsService;
  disputes: DisputesService;
  /** Absent without an arbiter key: resolving answers 503. */
  arbiter: ArbiterService | undefined;
}

/** A service the marketplace runs without (no chain, no arbiter key), or the 503 that says what to configure. */
function configured<T>(service: T | undefined, missing: string): T {
  if (!service) throw new HttpError(503, missing);
  return service;
}

export function instancesRoutes(rentals: RentalServices): Route[] {
  const { instances, executorReports, disputes } = rentals;
  const funding = () =>
    configured(
      rentals.funding,
      "The marketplace has no chain connection configured; set ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE",
    );
  const arbiter = () =>
    configured(rentals.arbiter, "The marketplace has no arbiter key configured; set ARBITER_SECRET_HEX");
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/instances",
      tag: "instances",
      summary: "Rent a GPU offer: returns the instance and the unsigned escrow transaction to sign",
      auth: "consumer",
      body: createInstanceRequest,
      response: createdInstanceSchema,
      status: 201,
      errors: [402, 404, 409, 422, 503],
      handle: async ({ principal, body }) => {
        const { instance, unsignedTx } = await funding().create(principal!, body);
        return { instance, unsignedTx: { ...unsignedTx } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/funding",
      tag: "instances",
      summary: "Submit the wallet-signed escrow transaction",
      auth: "consumer",
      params: instanceIdParams,
      body: fundingRequest,
      response: instanceSchema,
      errors: [404, 409, 422, 503],
      handle: ({ principal, params, body }) => funding().fund(principal!, params.id, body.signedTx),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/instances",
      tag: "instances",
      summary: "List your instances",
      auth: "read",
      query: listInstancesQuery,
      response: instancePage,
      handle: ({ principal, query }) => instances.list(principal!, query),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/instances/{id}",
      tag: "instances",
      summary: "Get an instance (as its consumer or its provider)",
      auth: "read",
      params: instanceIdParams,
      response: instanceSchema,
      errors: [404],
      handle: ({ principal, params }) => instances.get(principal!, params.id),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/stop",
      tag: "instances",
      summary: "Stop an instance (reason user_stopped); the executor settles the last partial hour",
      auth: "consumer",
      params: instanceIdParams,
      response: instanceSchema,
      errors: [404, 409],
      handle: ({ principal, params }) => instances.stop(principal!, params.id),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/extend",
      tag: "instances",
      summary: "Top up: returns the unsigned extendEscrow transaction adding prepaid hours (EIP-12; sign it)",
      auth: "consumer",
      params: instanceIdParams,
      body: extendRequest,
      response: createdInstanceSchema,
      errors: [402, 404, 409, 503],
      handle: async ({ principal, params, body }) => {
        const { instance, unsignedTx } = await funding().extendTx(principal!, params.id, body.hours);
        return { instance, unsignedTx: { ...unsignedTx } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/extend/funding",
      tag: "instances",
      summary: "Submit the wallet-signed top-up; the hours and credential expiry grow once it confirms",
      auth: "consumer",
      params: instanceIdParams,
      body: fundingRequest,
      response: instanceSchema,
      errors: [404, 409, 422, 503],
      handle: ({ principal, params, body }) => funding().extendFunding(principal!, params.id, body.signedTx),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/dispute",
      tag: "disputes",
      summary: "Dispute an instance (its consumer, with a reason): Disputed until the arbiter resolves it",
      auth: "consumer",
      params: instanceIdParams,
      body: disputeRequest,
      response: instanceSchema,
      errors: [404, 409, 422],
      handle: ({ principal, params, body }) =>
        disputes.dispute(principal!, params.id, body.reason, body.receiptLeaf),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/resolve",
      tag: "disputes",
      summary: "Arbiter: resolve a dispute on chain (arbiterResolve with the provider's share) → Resolved",
      auth: "arbiter",
      params: instanceIdParams,
      body: resolveRequest,
      response: instanceSchema,
      errors: [404, 409, 422, 503],
      handle: ({ params, body }) => arbiter().resolve(params.id, body.providerShare, body.receiptLeaf),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/credentials",
      tag: "credentials",
      summary: "Issue the credential the executor accepts for this instance (expires with the prepaid hours)",
      auth: "consumer",
      params: instanceIdParams,
      body: issueCredentialRequest,
      response: credentialSchema,
      status: 201,
      errors: [404, 409, 410],
      handle: ({ principal, params, body }) =>
        instances.credential(principal!, params.id, body.scope ?? [...CREDENTIAL_SCOPES]),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/instances/{id}/events",
      tag: "executor",
      summary: "Executor: report an instance's new state (with the close reason and billed seconds)",
      auth: "provider",
      params: instanceIdParams,
      body: instanceEventRequest,
      response: instanceSchema,
      errors: [404, 409],
      handle: ({ principal, params, body }) => executorReports.report(principal!, params.id, body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/instances",
      tag: "executor",
      summary: "Executor: the instances this provider must run",
      auth: "provider",
      params: providerIdParams,
      query: executorInstancesQuery,
      response: executorInstanceListSchema,
      errors: [404],
      handle: async ({ principal, params, query }) => ({
        items: await executorReports.forExecutor(principal!, params.providerId, query.state ?? LIVE_STATES),
      }),
    }),
  ];
}
