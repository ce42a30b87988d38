import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../app.ts";
import { type Harness, startHarness } from "../testing/harness.ts";

const documentSchema = z.object({
  openapi: z.literal("3.1.0"),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({ operationId: z.string(), responses: z.record(z.string(), z.unknown()) }),
    ),
  ),
});

/** Every (method, path) Express has registered, in OpenAPI path syntax. */
function expressRoutes(h: Harness): string[] {
  const app = createApp(h.services);
  return app.router.stack
    .flatMap((layer) => (layer.route ? [layer.route] : []))
    .flatMap((route) =>
      route.stack.map(
        (handler) => `${handler.method.toUpperCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`,
      ),
    )
    .sort();
}

describe("OpenAPI document", () => {
  let h: Harness;
  let doc: z.output<typeof documentSchema>;
  beforeAll(async () => {
    h = await startHarness();
    doc = documentSchema.parse((await h.request("GET", "/api/v1/openapi.json")).body);
  });
  afterAll(() => h.close());

  it("Should describe exactly the routes Express serves", () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(expressRoutes(h));
    expect(documented).toContain("GET /.well-known/jwks.json");
    expect(documented).toContain("POST /api/v1/providers/{providerId}/heartbeats");
    for (const action of ["dispute", "resolve", "extend", "extend/funding"])
      expect(documented).toContain(`POST /api/v1/instances/{id}/${action}`);
  });

  it("Should document path parameters, a JSON request body for every body route, and problem responses", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        const params = (op.parameters as { name: string; in: string }[])
          .filter((p) => p.in === "path")
          .map((p) => p.name);
        expect(params.sort()).toEqual(names.sort());
        expect(op.responses["400"]).toBeDefined();
      }
    }
    expect(doc.paths["/api/v1/instances"]?.post?.requestBody).toBeDefined();
    expect(doc.paths["/api/v1/instances"]?.post?.responses["402"]).toBeDefined();
    expect(doc.paths["/api/v1/instances/{id}/resolve"]?.post?.requestBody).toBeDefined();
    expect(doc.paths["/api/v1/instances/{id}/extend"]?.post?.responses["402"]).toBeDefined();
  });
});

describe("Malformed input never yields a 500", () => {
  let h: Harness;
  let token: string;
  let operations: { method: string; path: string }[];
  beforeAll(async () => {
    h = await startHarness();
    token = (await h.signIn()).token;
    const doc = documentSchema.parse((await h.request("GET", "/api/v1/openapi.json")).body);
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(() => h.close());

  const segment = fc.oneof(
    fc.uuid(),
    fc.string({ maxLength: 40 }),
    fc.constant("00000000-0000-0000-0000-000000000000"),
    fc.constant("%00"),
  );
  const query = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        "page",
        "limit",
        "state",
        "sort",
        "min_vram",
        "max_price",
        "available",
        "gpu_name",
        "num_gpus",
      ),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer().map(String),
      fc.constantFrom("-1", "1e309", "NaN", "true", "Funded,Nope"),
    ),
    { maxKeys: 4 },
  );
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 60 }),
    fc.constant('{"address":'),
    fc.constant(JSON.stringify({ gpuId: "00000000-0000-0000-0000-000000000000", hours: 1e12, image: "x" })),
  );

  it("Should answer every route's fuzzed params, query and body with a problem+json 4xx or a success", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        segment,
        query,
        body,
        fc.boolean(),
        async (pick, param, queryParams, raw, signedIn) => {
          const op = operations[pick % operations.length]!;
          const path = op.path.replace(/\{\w+\}/g, () => encodeURIComponent(param));
          const search = new URLSearchParams(queryParams).toString();
          const reply = await h.request(op.method, `${path}${search ? `?${search}` : ""}`, {
            raw: op.method === "GET" || op.method === "DELETE" ? undefined : raw,
            token: signedIn ? token : undefined,
          });
          expect(reply.status, `${op.method} ${path} → ${JSON.stringify(reply.body)}`).toBeLessThan(500);
          if (reply.status >= 400) {
            expect(reply.contentType).toMatch(/^application\/problem\+json/);
            expect(reply.body).toMatchObject({ status: reply.status, detail: expect.any(String) });
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
