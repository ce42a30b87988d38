import { z } from "zod";
import type { Route } from "./route.ts";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const problemSchema: JsonSchema = {
  type: "object",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
  },
};

/**
 * Builds the OpenAPI 3.1 document from the same route list that is mounted on Express: paths, parameters,
 * request bodies and responses all come from the routes' zod schemas (`z.toJSONSchema`).
 */
export function buildOpenApi(routes: readonly Route[], info: OpenApiInfo): JsonSchema {
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
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A wallet session token (from /api/v1/auth/verify) or an API key (gpuc_...)",
        },
      },
    },
  };
}

function operation(route: Route): Operation {
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

function responses(route: Route): Record<string, JsonSchema> {
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
