import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@gpuc/platform";
import { errorHandler, notFound } from "@gpuc/platform/http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApp } from "./web-app.ts";

let dir: string;
let base: string;
let close: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gpuc-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>GPUC</title>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  const app = express();
  app.get("/api/v1/status", (_req, res) => res.json({ status: "ok" }));
  app.use(webApp(dir));
  app.use(
    notFound({ docsPath: "/api/v1/openapi.json" }),
    errorHandler({ log: createLogger("test", { level: "error" }) }),
  );
  const server = app.listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

afterAll(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

const html = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

describe("webApp", () => {
  it("answers a browser's navigation to any app path with index.html, never cached", async () => {
    for (const path of ["/", "/instances/3f0c", "/offers/x?sort=price"]) {
      const response = await fetch(`${base}${path}`, { headers: html });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(await response.text()).toContain("<title>GPUC</title>");
    }
  });

  it("serves hashed assets cached for a year, and a missing asset is a 404, not the app", async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${base}/assets/gone.js`)).status).toBe(404);
  });

  it("leaves the API's paths to the API: an unknown one is the API's problem+json 404", async () => {
    expect((await fetch(`${base}/api/v1/status`, { headers: html })).status).toBe(200);
    const missing = await fetch(`${base}/api/v1/nothing`, { headers: html });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("does not answer a JSON client with the app", async () => {
    const response = await fetch(`${base}/instances`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(404);
  });

  it("refuses to start on a folder with no build, saying how to make one", () => {
    expect(() => webApp(tmpdir())).toThrow(/npm run build:web/);
  });
});
