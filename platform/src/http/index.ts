export { type AccessLogOptions, accessLog, routeTemplate } from "./access-log.ts";
export {
  type ErrorHandlerOptions,
  errorHandler,
  type NotFoundOptions,
  notFound,
  sendProblem,
} from "./error-handler.ts";
export { assert, HttpError, ValidationError, type ValidationIssue } from "./errors.ts";
export { type MetricsSource, metricsRoute, withOpenApi } from "./meta-routes.ts";
export { type MountOptions, mountRoutes } from "./mount.ts";
export { buildOpenApi, type OpenApiInfo, type OpenApiOptions } from "./openapi.ts";
export { PROBLEM_TYPE_PREFIX, type Problem, problem, problemKind } from "./problem.ts";
export { ipRateLimit, RateLimitedError, type RateLimitOptions } from "./rate-limit.ts";
export { type RequestIdOptions, requestId, requestIdOf } from "./request-id.ts";
export {
  type Authorize,
  type AuthRouteSpec,
  createRouteKit,
  type HttpMethod,
  type PublicRouteSpec,
  type Route,
  type RouteContext,
  type RouteInfo,
  toExpressPath,
} from "./route.ts";
