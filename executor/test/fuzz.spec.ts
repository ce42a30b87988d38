import { fuzzRoutes, routeKey } from "@gpuc/platform/fuzz";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExecutorWorld, startExecutorWorld } from "../src/testing/fuzz-world.ts";

// The suite's short version of `npm run fuzz:api`: every route of the executor, 100 generated requests each.
describe("The executor API under fuzz", () => {
  let world: ExecutorWorld;
  beforeAll(async () => {
    world = await startExecutorWorld("fuzz_spec");
  });
  afterAll(() => world?.close());

  it("Should answer every generated request of every route without a 5xx, each 4xx a problem saying what is wrong", async () => {
    const report = await fuzzRoutes(world, { runs: 100, seed: 16 });
    expect(Object.keys(report.routes)).toEqual(world.routes.map(routeKey));
    const findings = Object.entries(report.routes).flatMap(([key, r]) =>
      [...r.fiveXx, ...r.violationSamples].map((f) => ({ key, ...f })),
    );
    expect(findings).toEqual([]);
    expect(report.routes["GET /instances/{id}/logs"]?.byClass["2xx"]).toBeGreaterThan(0);
  }, 300_000);
});
