import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "./error-handler.ts";
import { capturingLogger, serve } from "./test-server.ts";

describe("errorHandler", () => {
  let server: Awaited<ReturnType<typeof serve>>;
  const { log, lines } = capturingLogger();
  beforeAll(async () => {
    const app = express();
    app.get("/items/:id", (req, res) => void res.json({ id: req.params.id }));
    app.use(errorHandler({ log }));
    server = await serve(app);
  });
  afterAll(() => server.close());

  // Found by the API fuzz: the router's URIError for a bad escape became a 500 and an error log line.
  it("Should answer 400 problem+json to a path parameter that is not valid percent-encoding", async () => {
    for (const id of ["%", "%ZZ", "%E0%A4%A", "%u002e"]) {
      const response = await fetch(`${server.url}/items/${id}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { type: string; detail: string };
      expect(body.type).toBe("urn:gpuc:problem:malformed-request");
      expect(body.detail).toContain(`Failed to decode param '${id}'`);
    }
    expect(lines.filter((line) => line.event === "REQUEST_FAILED")).toEqual([]);
  });
});
