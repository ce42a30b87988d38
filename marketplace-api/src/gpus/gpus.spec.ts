import { gpuPage, gpuSchema, modelKey } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider, sampleListing } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { tflopsOf, UNKNOWN_MODEL_TFLOPS } from "./performance.ts";

describe("GPU search", () => {
  let h: Harness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    const offers = [
      {
        key: "cheap3090",
        listing: sampleListing(
          { model: "RTX 3090", vramGb: 24, count: 1, pricePerHour: "300000" },
          "eu-west",
        ),
      },
      {
        key: "h100x8",
        listing: sampleListing(
          { model: "H100 SXM", vramGb: 80, count: 8, pricePerHour: "20000000" },
          "us-east",
        ),
      },
      {
        key: "fast4090",
        listing: sampleListing(
          { model: "NVIDIA GeForce RTX 4090", vramGb: 24, count: 2, pricePerHour: "800000" },
          "eu-west",
        ),
      },
      {
        key: "a100",
        listing: sampleListing({ model: "A100", vramGb: 80, count: 4, pricePerHour: "6000000" }, "us-east"),
      },
    ];
    for (const offer of offers) {
      const { provider } = await registerProvider(h, offer.listing);
      ids[offer.key] = provider.id;
    }
    // Reliability and liveness as heartbeats would set them.
    await h.db.query("UPDATE providers SET reliability = 0.99, online = true WHERE id = $1", [ids.a100]);
    await h.db.query("UPDATE providers SET reliability = 0.5, online = true WHERE id = $1", [ids.fast4090]);
    for (const id of Object.values(ids)) await h.services.providers.refreshListed(id);
  });
  afterAll(() => h.close());

  const search = async (query: string) => ok(await h.request("GET", `/api/v1/gpus?${query}`), gpuPage);
  const providersOf = (page: { items: { providerId: string }[] }) =>
    page.items.map((gpu) => Object.keys(ids).find((key) => ids[key] === gpu.providerId));

  it("Should sort by price (both ways), reliability and price per TFLOPS", async () => {
    expect(providersOf(await search("sort=price"))).toEqual(["cheap3090", "fast4090", "a100", "h100x8"]);
    expect(providersOf(await search("sort=-price"))).toEqual(["h100x8", "a100", "fast4090", "cheap3090"]);
    expect(providersOf(await search("sort=reliability")).slice(0, 2)).toEqual(["a100", "fast4090"]);
    // GPUC units per FP32 TFLOPS: 3090 300000/35.6=8427, 4090 800000/165.2=4843, A100 6e6/78=76923, H100 2e7/536=37313.
    expect(providersOf(await search("sort=price_per_performance"))).toEqual([
      "fast4090",
      "cheap3090",
      "h100x8",
      "a100",
    ]);
  });

  it("Should filter by name, VRAM, GPU count, price, region, reliability and availability", async () => {
    expect(providersOf(await search("gpu_name=4090"))).toEqual(["fast4090"]);
    expect(providersOf(await search("gpu_name=rtx"))).toEqual(["cheap3090", "fast4090"]);
    expect(providersOf(await search("min_vram=48"))).toEqual(["a100", "h100x8"]);
    expect(providersOf(await search("num_gpus=4"))).toEqual(["a100", "h100x8"]);
    expect(providersOf(await search("max_price=800000"))).toEqual(["cheap3090", "fast4090"]);
    expect(providersOf(await search("region=us-east&sort=-price"))).toEqual(["h100x8", "a100"]);
    expect(providersOf(await search("min_reliability=0.9"))).toEqual(["a100"]);
    expect(providersOf(await search("available=true"))).toEqual(["fast4090", "a100"]);
    expect(problemOf(await h.request("GET", "/api/v1/gpus?gpu_name=%25"), 400).detail).toContain("gpu_name");
  });

  it("Should hide unverified and failed offers by default and sort by price per measured TFLOPS", async () => {
    const offerOf = async (key: string) =>
      (await h.db.query<{ id: string }>("SELECT id FROM gpus WHERE provider_id = $1", [ids[key]]))[0]!.id;
    const at = new Date();
    // 3090 300000/30=10000, H100 2e7/400=50000, 4090 far below its model, A100 failed (its numbers dropped).
    await h.services.gpus.setVerification(
      await offerOf("cheap3090"),
      { state: "verified", measured: { tflops: 30, memoryBandwidthGBs: 900 } },
      at,
    );
    await h.services.gpus.setVerification(
      await offerOf("h100x8"),
      { state: "verified", measured: { tflops: 400, memoryBandwidthGBs: 20_000 } },
      at,
    );
    await h.services.gpus.setVerification(
      await offerOf("fast4090"),
      { state: "unverified", measured: { tflops: 1, memoryBandwidthGBs: 10 } },
      at,
    );
    await h.services.gpus.setVerification(await offerOf("a100"), { state: "failed" }, at);
    try {
      expect(providersOf(await search("sort=price"))).toEqual(["cheap3090", "h100x8"]);
      const all = await search("include_unverified=true&sort=price_per_measured_tflops");
      // fast4090: 800000/1 per TFLOPS; the failed A100 has no measurement and goes last.
      expect(providersOf(all)).toEqual(["cheap3090", "h100x8", "fast4090", "a100"]);
      expect(all.items[0]).toMatchObject({
        verification: "verified",
        measuredTflops: 30,
        measuredBandwidthGbs: 900,
        pricePerMeasuredTflops: 10_000,
      });
      expect(all.items[3]).toMatchObject({ verification: "failed", measuredTflops: null });
    } finally {
      await h.db.query(
        "UPDATE gpus SET verification = 'pending', measured_tflops = NULL, price_per_measured_tflops = NULL",
      );
    }
  });

  it("Should paginate with a total", async () => {
    const first = await search("limit=3&page=1");
    const second = await search("limit=3&page=2");
    expect(first).toMatchObject({ total: 4, page: 1, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((gpu) => gpu.id)).size).toBe(4);
  });

  it("Should describe one offer, and refuse nonsense filters with a 400", async () => {
    const [gpu] = (await search("gpu_name=h100")).items;
    const one = ok(await h.request("GET", `/api/v1/gpus/${gpu!.id}`), gpuSchema);
    expect(one).toMatchObject({
      model: "H100 SXM",
      vramGb: 80,
      count: 8,
      pricePerHour: "20000000",
      region: "us-east",
    });
    expect(problemOf(await h.request("GET", "/api/v1/gpus?limit=1000"), 400).detail).toContain("limit");
    expect(problemOf(await h.request("GET", "/api/v1/gpus?sort=random"), 400).detail).toContain("sort");
    problemOf(await h.request("GET", "/api/v1/gpus?min_reliability=2"), 400);
  });

  it("Should know the relative performance of common models and fall back for unknown ones", () => {
    expect(modelKey("NVIDIA GeForce RTX 4090")).toBe("rtx4090");
    expect(tflopsOf("H100 SXM")).toBeGreaterThan(tflopsOf("A100"));
    expect(tflopsOf("Voodoo 2")).toBe(UNKNOWN_MODEL_TFLOPS);
  });
});
