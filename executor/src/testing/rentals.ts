import { randomUUID } from "node:crypto";
import type { Rental } from "@gpuc/sdk";

/** A CPU-only rental of the local busybox test image; override any field. */
export function testRental(overrides: Partial<Rental> = {}): Rental {
  return {
    id: randomUUID(),
    state: "Funded",
    image: "gpuc/busybox:test",
    cmd: ["sleep", "3600"],
    gpuIds: [],
    hours: 2,
    pricePerHour: "3600000",
    escrowBoxId: randomUUID().replaceAll("-", "").repeat(2),
    startHeight: 100,
    limits: { cpus: 0.5, memoryMb: 64, pids: 64, diskGb: 1 },
    ...overrides,
  };
}
