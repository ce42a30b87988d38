import { z } from "zod";
import type { RouteInfo } from "./route.ts";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export interface OpenApiOptions {
  /** How a caller of a route with `auth` authenticates: the description of the `bearer` security scheme. */
  readonly bearerDescription?: string;
}

const problemSchema: JsonSchema = {
  type: "object",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
  },
};

/**
 * Builds the OpenAPI 3.1 document from the same route list that is mounted on Express: paths, parameters,
 * request bodies and responses all come from the routes' zod schemas (`z.toJSONSchema`); a route's `auth`
 * becomes `security: bearer` and `x-required-scope`.
 *
 * @example
 * const document = buildOpenApi(routes, { title: "GPUC executor API", version: "1.0.0" });
 */
export function buildOpenApi(
  routes: readonly RouteInfo[],
  info: OpenApiInfo,
  { bearerDescription = "A bearer token" }: OpenApiOptions = {},
): JsonSchema {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Operation>)[route.method] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: bearerDescription } },
    },
  };
}

function operation(route: RouteInfo): Operation {
  const op: Operation = {
    operationId: `${route.method}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
    responses: responses(route),
  };
  if (route.auth) {
    op.security = [{ bearer: [] }];
    op["x-required-scope"] = route.auth;
  }
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: toSchema(route.body, "input") } },
    };
  }
  return op;
}

function parameters(schema: z.ZodObject | undefined, location: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    ...(propertySchema.description ? { description: propertySchema.description } : {}),
    schema: propertySchema,
  }));
}

function responses(route: RouteInfo): Record<string, JsonSchema> {
  const status = String(route.status ?? 200);
  const contentType = route.contentType ?? "application/json";
  const out: Record<string, JsonSchema> = {
    [status]:
      status === "204"
        ? { description: route.summary }
        : {
            description: route.summary,
            content: { [contentType]: { schema: toSchema(route.response, "output") } },
          },
  };
  const errors = new Set([400, 500, ...(route.auth ? [401, 403] : []), ...(route.errors ?? [])]);
  for (const code of [...errors].sort()) {
    out[String(code)] = {
      description: "Problem details",
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  return out;
}

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json.$schema;
  return json;
}
