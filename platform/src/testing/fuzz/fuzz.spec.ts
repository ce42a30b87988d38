import express from "express";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { errorHandler, notFound } from "../../http/error-handler.ts";
import { HttpError } from "../../http/errors.ts";
import { mountRoutes } from "../../http/mount.ts";
import { createRouteKit } from "../../http/route.ts";
import { capturingLogger, serve } from "../../http/test-server.ts";
import { arbitraryOf, jsonSchemaOf } from "./json-schema.ts";
import { requestsFor } from "./requests.ts";
import { fuzzRoutes, routeKey } from "./run.ts";

const { defineRoute } = createRouteKit<string, "user">();
const item = z.object({ name: z.string().min(1).max(20), count: z.number().int().min(0).max(10) });

// Two planted bugs, of the kinds the fuzz exists to find: a crash on an unexpected value, and a bare-text 4xx.
const routes = [
  defineRoute({
    method: "post",
    path: "/items/{id}",
    tag: "items",
    summary: "Crashes on a name with a space (a planted bug)",
    auth: "user",
    params: z.object({ id: z.uuid() }),
    body: item,
    response: z.object({ upper: z.string() }),
    handle: async ({ body }) => {
      if (body.name.includes(" ")) throw new TypeError("planted crash");
      return { upper: body.name.toUpperCase() };
    },
  }),
  defineRoute({
    method: "get",
    path: "/plain",
    tag: "items",
    summary: "Answers a bare-text 400 to any query (a planted bug)",
    query: z.object({ q: z.string().optional() }),
    response: z.object({ ok: z.boolean() }),
    handle: async ({ query, res }) => {
      if (query.q !== undefined) res.status(400).type("text/plain").send("bad");
      return { ok: true };
    },
  }),
];

describe("fuzzRoutes", () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    mountRoutes(app, routes, {
      authorize: async (req) => {
        if (req.get("authorization") !== "Bearer good-token")
          throw new HttpError(401, "Send Bearer good-token");
        return "user";
      },
    });
    app.use(notFound(), errorHandler({ log: capturingLogger().log }));
    server = await serve(app);
  });
  afterAll(() => server.close());

  it("Should find the planted 5xx and bare-text 4xx, and report each with its request", async () => {
    const report = await fuzzRoutes(
      { baseUrl: server.url, routes, validCredential: async () => "good-token" },
      { runs: 300, seed: 42 },
    );
    const post = report.routes[routeKey(routes[0]!)]!;
    expect(post.fiveXxCount).toBeGreaterThan(0);
    expect(post.fiveXx[0]!.request.credential).toBe("valid");
    expect(post.fiveXx[0]!.request.body).toMatch(/ /);
    const plain = report.routes["GET /plain"]!;
    expect(plain.violations).toBeGreaterThan(0);
    expect(plain.violationSamples[0]!.why).toMatch(/not application\/problem\+json/);
    expect(report.totals.requests).toBe(600);
  });

  it("Should generate values that pass the schema they come from", () => {
    const values = fc.sample(arbitraryOf(jsonSchemaOf(item)), { numRuns: 200, seed: 1 });
    expect(values.every((value) => item.safeParse(value).success)).toBe(true);
  });

  it("Should send a valid request, a broken one and every kind of credential among a route's requests", () => {
    const requests = fc.sample(
      requestsFor(routes[0]!, () => []),
      { numRuns: 500, seed: 7 },
    );
    const shapes = new Set(requests.map((r) => r.shape));
    for (const shape of ["valid", "body:bad-json", "body:wrong-field", "path:trick", "content-type"])
      expect(shapes).toContain(shape);
    expect(new Set(requests.map((r) => r.credential))).toEqual(
      new Set(["none", "wrong", "valid", "tampered"]),
    );
  });
});
