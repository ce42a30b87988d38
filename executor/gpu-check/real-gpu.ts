// Run by scripts/gpu-check.sh on a machine with an NVIDIA GPU (not part of `npm test`, which has no GPU to read):
// the benchmark's GPU paths on this machine's real nvidia-smi reading (`npx tsx executor/gpu-check/real-gpu.ts <csv>`).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { benchContainerOptions } from "../src/challenges/bench-container.ts";
import { NvidiaSmiProbe, parseNvidiaSmi } from "../src/gpu/nvidia-smi.ts";
import { challengeFor } from "../src/testing/challenges.ts";

const reading = process.argv[2];
if (!reading) throw new Error("usage: real-gpu.ts <nvidia-smi reading as CSV>");
const gpus = parseNvidiaSmi(readFileSync(reading, "utf8"));
assert.ok(gpus.length > 0, "the reading lists no GPU");
for (const gpu of gpus) assert.match(gpu.uuid, /^GPU-/);
const live = await new NvidiaSmiProbe({ binary: "nvidia-smi" }).list();
assert.deepEqual(
  live.map((gpu) => gpu.uuid),
  gpus.map((gpu) => gpu.uuid),
  "the probe sees other devices than the reading",
);
const options = benchContainerOptions({
  challenge: challengeFor([gpus[0]!.uuid]),
  image: "gpuc/bench:cuda-1",
  gpus: true,
});
assert.deepEqual(options.HostConfig?.DeviceRequests?.[0]?.DeviceIDs, [gpus[0]!.uuid]);
process.stdout.write(`✓ ${gpus.length} real device(s) parsed, probed and requested by UUID\n`);
