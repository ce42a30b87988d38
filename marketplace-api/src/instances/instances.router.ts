import { z } from "zod";
import { defineRoute, type Route } from "../core/route.ts";
import {
  CREDENTIAL_SCOPES,
  credentialSchema,
  issueCredentialRequest,
} from "../credentials/credentials.schema.ts";
import { providerIdParams } from "../providers/providers.schema.ts";
import {
  createdInstanceSchema,
  createInstanceRequest,
  executorInstanceSchema,
  executorInstancesQuery,
  fundingRequest,
  instanceEventRequest,
  instanceIdParams,
  instancePage,
  instanceSchema,
  listInstancesQuery,
} from "./instances.schema.ts";
import type { InstancesService } from "./instances.service.ts";
import { LIVE_STATES } from "./state-machine.ts";

export function instancesRoutes(instances: InstancesService): Route[] {
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
      errors: [402, 404, 409, 503],
      handle: async ({ principal, body }) => {
        const { instance, unsignedTx } = await instances.create(principal!, body);
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
      handle: ({ principal, params, body }) => instances.fund(principal!, params.id, body.signedTx),
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
      handle: ({ principal, params, body }) => instances.report(principal!, params.id, body),
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/instances",
      tag: "executor",
      summary: "Executor: the instances this provider must run",
      auth: "provider",
      params: providerIdParams,
      query: executorInstancesQuery,
      response: z.object({ items: z.array(executorInstanceSchema) }),
      errors: [404],
      handle: async ({ principal, params, query }) => ({
        items: await instances.forExecutor(principal!, params.providerId, query.state ?? LIVE_STATES),
      }),
    }),
  ];
}
