// The API fuzz engine, for tests and `npm run fuzz:api` only: nothing in a service imports it.
export { type FuzzArgs, parseFuzzArgs } from "./args.ts";
export { violationOf } from "./check.ts";
export { tamper, wrongAuthorization } from "./credentials.ts";
export { arbitraryOf, type JsonSchema, jsonSchemaOf, type Samples } from "./json-schema.ts";
export { nastyContentType, nastyNumber, nastyRawBody, nastyString, nastyValue, pathTrick } from "./nasty.ts";
export { type CredentialKind, type FuzzRequest, requestsFor } from "./requests.ts";
export {
  type Finding,
  type FuzzOptions,
  type FuzzReport,
  type FuzzTarget,
  fuzzRoutes,
  type RouteReport,
  routeKey,
} from "./run.ts";
export { type FuzzReply, send } from "./send.ts";
