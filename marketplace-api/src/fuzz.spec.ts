import { fuzzRoutes, routeKey } from "@gpuc/platform/fuzz";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzWorld, startFuzzWorld } from "./testing/fuzz-world.ts";

// The suite's short version of `npm run fuzz:api`: every route of the app, 120 generated requests each.
describe("The marketplace API under fuzz", () => {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await startFuzzWorld();
  });
  afterAll(() => world?.close());

  it("Should answer every generated request of every route without a 5xx, each 4xx a problem saying what is wrong", async () => {
    const report = await fuzzRoutes(world, { runs: 120, seed: 16 });
    expect(Object.keys(report.routes)).toEqual(world.routes.map(routeKey));
    const findings = Object.entries(report.routes).flatMap(([key, r]) =>
      [...r.fiveXx, ...r.violationSamples].map((f) => ({ key, ...f })),
    );
    expect(findings).toEqual([]);
    // The fuzz must reach the handlers, not only the validators: some requests of most routes succeed.
    const succeeded = Object.values(report.routes).filter((r) => (r.byClass["2xx"] ?? 0) > 0);
    expect(succeeded.length).toBeGreaterThan(world.routes.length / 2);
  }, 300_000);
});
