import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpuc, gpuFixture, type StandInMarket, standInMarket } from "../testing/market.ts";

describe("gpuc gpus (against a stand-in marketplace)", () => {
  let market: StandInMarket;
  let env: Record<string, string>;
  const a100 = gpuFixture({
    id: "7f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b",
    model: "A100",
    vramGb: 80,
    count: 8,
    pricePerHour: "12000000",
    reliability: 1,
    available: false,
  });

  beforeAll(async () => {
    market = await standInMarket((_method, path) => {
      if (path === "/api/v1/gpus")
        return { status: 200, body: { items: [gpuFixture(), a100], page: 1, limit: 2, total: 3 } };
      if (path === `/api/v1/gpus/${a100.id}`) return { status: 200, body: a100 };
      return undefined;
    });
    env = { GPUC_MARKETPLACE_URL: market.url };
  });
  afterAll(() => market.close());

  it("Should list offers as an aligned table with headers, prices in GPUC, and say where the next page is", async () => {
    const result = await gpuc(["gpus", "search"], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      [
        "ID                                    GPU           VRAM  REGION    PRICE/H  HOURS  RELIABILITY  STATUS",
        "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b  1× RTX 4090  24 GB  eu-west  1.5 GPUC   1-72         0.97  available",
        "7f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b  8× A100      80 GB  eu-west   12 GPUC   1-72         1.00  rented",
        "1-2 of 3 offers (next: --page 2)",
        "",
      ].join("\n"),
    );
  });

  it("Should keep base units as strings with --json", async () => {
    const result = await gpuc(["gpus", "search", "--json"], env);
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { items: { pricePerHour: string }[]; total: number };
    expect(page.items.map((gpu) => gpu.pricePerHour)).toEqual(["1500000", "12000000"]);
    expect(page.total).toBe(3);
  });

  it("Should take a value starting with a dash (--sort -price) and send each filter as the API names it", async () => {
    const before = market.requests.length;
    const args = [
      "gpus",
      "search",
      "--sort",
      "-price",
      "--max-price",
      "2.5",
      "--min-vram",
      "24",
      "--available",
    ];
    const result = await gpuc(args, env);
    expect(result.code, result.stderr).toBe(0);
    expect(market.requests.slice(before).map((request) => request.url)).toEqual([
      "/api/v1/gpus?min_vram=24&max_price=2500000&available=true&sort=-price",
    ]);
  });

  it("Should refuse a filter the marketplace would refuse with its own message, without asking it (exit 3)", async () => {
    const before = market.requests.length;
    const result = await gpuc(["gpus", "search", "--min-vram", "abc", "--sort", "cheapest"], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'gpuc: GET /api/v1/gpus?min_vram=abc&sort=cheapest → 400 Bad Request: Invalid request query: min_vram: Invalid input: expected number, received NaN; sort: Invalid option: expected one of "price"|"-price"|"reliability"|"price_per_performance"|"price_per_measured_tflops"\n',
    );
    const json = await gpuc(["gpus", "search", "--limit", "500", "--json"], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: "ApiError",
      exitCode: 3,
      problem: {
        type: "urn:gpuc:problem:validation",
        status: 400,
        issues: [{ path: "limit", message: "Too big: expected number to be <=100" }],
      },
    });
    expect(market.requests.length).toBe(before);
  });

  it("Should say so when nothing matches", async () => {
    const empty = await standInMarket(() => ({
      status: 200,
      body: { items: [], page: 1, limit: 20, total: 0 },
    }));
    try {
      const result = await gpuc(["gpus", "search", "--gpu-name", "h200"], {
        GPUC_MARKETPLACE_URL: empty.url,
      });
      expect(result).toEqual({ code: 0, stdout: "No GPU offers match\n", stderr: "" });
    } finally {
      await empty.close();
    }
  });

  it("Should show one offer as a key/value summary, and as the API's JSON only with --json", async () => {
    const result = await gpuc(["gpus", "show", a100.id], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "GPU offer    7f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b",
        "provider     0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
        "GPUs         8× A100, 80 GB VRAM each, CUDA 12.4",
        "machine      8 CPU cores, 32 GB RAM, 200 GB disk",
        "region       eu-west",
        "price        12 GPUC per hour",
        "hours        1 to 72 per rental",
        "performance  82.6 TFLOPS FP32 (0.01816 GPUC per TFLOPS-hour)",
        "reliability  1.00",
        "status       rented",
        "",
      ].join("\n"),
    );
    const json = await gpuc(["gpus", "show", a100.id, "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual(a100);
  });

  it("Should refuse an offer id that is no UUID before asking (exit 3, the marketplace's message)", async () => {
    const result = await gpuc(["gpus", "show", "rtx-4090"], { GPUC_MARKETPLACE_URL: "http://127.0.0.1:9" });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      "gpuc: GET /api/v1/gpus/rtx-4090 → 400 Bad Request: Invalid request params: id: Invalid UUID\n",
    );
  });
});
