import { describe, expect, it } from "vitest";
import { CallLimiter } from "./call-limiter.ts";

describe("CallLimiter", () => {
  it("Should refuse a call beyond the limit of its key and admit one again after a release", () => {
    const limiter = new CallLimiter(2);
    const first = limiter.tryAcquire("a");
    expect(limiter.tryAcquire("a")).toBeDefined();
    expect(limiter.tryAcquire("a")).toBeUndefined();
    expect(limiter.tryAcquire("b")).toBeDefined();
    first?.();
    first?.(); // a second release of the same call changes nothing
    expect(limiter.inFlight("a")).toBe(1);
    expect(limiter.tryAcquire("a")).toBeDefined();
    expect(limiter.tryAcquire("a")).toBeUndefined();
  });
});
