import { describe, expect, it } from "vitest";
import { parseDockerTime, runningSeconds, runWindow } from "./metering.ts";
import { type BillingTerms, billedSeconds, completedPeriods, finalSplit, isExhausted } from "./terms.ts";

const hourly: BillingTerms = { periodSeconds: 3600, prepaidPeriods: 2, pricePerPeriod: 1_000_000n };

describe("metering from Docker's clock", () => {
  it("Should count FinishedAt − StartedAt for a stopped container, in whole seconds", () => {
    const window = runWindow({
      Running: false,
      StartedAt: "2026-01-01T10:00:00.900000000Z",
      FinishedAt: "2026-01-01T10:01:40.899999999Z",
    });
    expect(runningSeconds(window)).toBe(99);
  });

  it("Should count up to now while running and ignore Docker's zero FinishedAt", () => {
    const window = runWindow({
      Running: true,
      StartedAt: "2026-01-01T10:00:00Z",
      FinishedAt: "0001-01-01T00:00:00Z",
    });
    expect(window.finishedAt).toBeNull();
    expect(runningSeconds(window, new Date("2026-01-01T10:00:42.5Z"))).toBe(42);
  });

  it("Should bill nothing for a container that never started", () => {
    expect(parseDockerTime("0001-01-01T00:00:00Z")).toBeNull();
    expect(
      runningSeconds(runWindow({ Running: false, StartedAt: "0001-01-01T00:00:00Z", FinishedAt: "" })),
    ).toBe(0);
  });
});

describe("billing terms", () => {
  it("Should cap billed seconds at the prepaid time and report exhaustion", () => {
    expect(billedSeconds(hourly, 9000)).toBe(7200);
    expect(isExhausted(hourly, 7199)).toBe(false);
    expect(isExhausted(hourly, 7200)).toBe(true);
  });

  it("Should count only whole elapsed periods as claimable", () => {
    expect(completedPeriods(hourly, 3599)).toBe(0);
    expect(completedPeriods(hourly, 3600)).toBe(1);
    expect(completedPeriods(hourly, 7200)).toBe(2);
  });

  it("Should pay the last partial period per second and refund the rest", () => {
    expect(finalSplit(hourly, 5400, 1)).toEqual({ providerAmount: 500_000n, consumerRefund: 500_000n });
    // Nothing claimed yet: the unclaimed whole period is paid in the close too.
    expect(finalSplit(hourly, 5400, 0)).toEqual({ providerAmount: 1_500_000n, consumerRefund: 500_000n });
    expect(finalSplit(hourly, 7200, 2)).toEqual({ providerAmount: 0n, consumerRefund: 0n });
    expect(finalSplit(hourly, 0, 0)).toEqual({ providerAmount: 0n, consumerRefund: 2_000_000n });
  });

  it("Should round the per-second share down, never paying the provider more than the escrow holds", () => {
    const odd: BillingTerms = { periodSeconds: 7, prepaidPeriods: 1, pricePerPeriod: 10n };
    expect(finalSplit(odd, 3, 0)).toEqual({ providerAmount: 4n, consumerRefund: 6n });
  });
});
