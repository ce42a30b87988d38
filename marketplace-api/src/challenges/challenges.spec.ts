import {
  type BenchResult,
  canonicalJson,
  type GpuChallenge,
  gpuChallengeList,
  gpuChallengeSchema,
  gpuPage,
  type Json,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerProvider, sampleListing } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { ChallengeScheduler } from "./scheduler.ts";
import { judge } from "./verdict.ts";

type Rig = Awaited<ReturnType<typeof registerProvider>>;

const DEVICES = ["GPU-0b1c2d3e-aaaa-4e5f-8a7b-000000000001", "GPU-0b1c2d3e-aaaa-4e5f-8a7b-000000000002"];

describe("GPU verification challenges", () => {
  let h: Harness;
  const rigs: Record<string, Rig> = {};
  let never: ChallengeScheduler;

  beforeAll(async () => {
    // A real deadline and threshold; a CPU answer does not stand in for a GPU here.
    h = await startHarness({
      challenges: {
        deadlineS: 300,
        maxSeconds: 60,
        threshold: 0.5,
        meanIntervalS: 3600,
        tickS: 30,
        cpuForGpu: false,
      },
    });
    for (const name of ["correct", "late", "devices", "below", "silent", "forged", "cpu"]) {
      const listing =
        name === "cpu"
          ? sampleListing({ model: "CPU", count: 1, deviceIds: ["cpu"] })
          : sampleListing({ model: "RTX 4090", count: 2, deviceIds: DEVICES });
      rigs[name] = await registerProvider(h, listing);
      await h.db.query("UPDATE providers SET online = true, reliability = 0.9 WHERE id = $1", [
        rigs[name]!.provider.id,
      ]);
      await h.services.providers.refreshListed(rigs[name]!.provider.id);
    }
    never = new ChallengeScheduler(
      h.services.challenges,
      { tickS: 30, meanIntervalS: 3600 },
      h.services.log,
      () => 1,
    );
  });
  afterAll(() => h.close());

  const open = async (rig: Rig): Promise<GpuChallenge[]> =>
    ok(
      await h.request("GET", `/api/v1/providers/${rig.provider.id}/challenges`, { token: rig.apiKey }),
      gpuChallengeList,
    ).items;

  const result = (challenge: GpuChallenge, overrides: Partial<BenchResult> = {}): BenchResult => ({
    nonce: challenge.nonce,
    kind: "cuda",
    tflops: 150,
    memoryBandwidthGBs: 1800,
    devices: challenge.deviceIds.map((uuid) => ({ uuid, model: "NVIDIA GeForce RTX 4090" })),
    elapsedMs: 4200,
    ...overrides,
  });

  /** The executor's answer, signed by the provider wallet over the canonical JSON of the body. */
  function answer(rig: Rig, challenge: GpuChallenge, fields: Record<string, unknown>) {
    const body = {
      challengeId: challenge.id,
      providerId: rig.provider.id,
      nonce: challenge.nonce,
      ...fields,
    };
    return { ...body, signature: rig.wallet.sign(canonicalJson(body as Json)) };
  }
  const post = (rig: Rig, challenge: GpuChallenge, body: unknown) =>
    h.request("POST", `/api/v1/providers/${rig.provider.id}/challenges/${challenge.id}/answer`, {
      token: rig.apiKey,
      body,
    });
  const verificationOf = async (rig: Rig) =>
    (
      await h.db.query<{ verification: string; measured_tflops: number | null }>(
        "SELECT verification, measured_tflops FROM gpus WHERE provider_id = $1",
        [rig.provider.id],
      )
    )[0];

  it("Should issue one listing challenge per listed offer, naming its devices, and none twice", async () => {
    const { issued } = await never.tick();
    expect(issued).toHaveLength(Object.keys(rigs).length);
    const [challenge] = await open(rigs.correct!);
    expect(challenge).toMatchObject({
      reason: "listing",
      model: "RTX 4090",
      deviceIds: DEVICES,
      state: "pending",
    });
    expect(challenge!.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect((await never.tick()).issued).toEqual([]);
    // Another provider's challenges are not this key's to see.
    problemOf(
      await h.request("GET", `/api/v1/providers/${rigs.late!.provider.id}/challenges`, {
        token: rigs.correct!.apiKey,
      }),
      404,
    );
  });

  it("Should verify a correct answer in time and show the measured figures in search", async () => {
    const [challenge] = await open(rigs.correct!);
    const judged = ok(
      await post(
        rigs.correct!,
        challenge!,
        answer(rigs.correct!, challenge!, { result: result(challenge!) }),
      ),
      gpuChallengeSchema,
    );
    expect(judged).toMatchObject({ state: "verified", result: { tflops: 150 } });
    expect(await verificationOf(rigs.correct!)).toEqual({ verification: "verified", measured_tflops: 150 });
    expect(await open(rigs.correct!)).toEqual([]);
    // Answered once: a second answer is refused.
    expect(
      problemOf(
        await post(
          rigs.correct!,
          challenge!,
          answer(rigs.correct!, challenge!, { result: result(challenge!) }),
        ),
        409,
      ).detail,
    ).toContain("already judged");
  });

  it("Should fail an answer from other devices than listed", async () => {
    const [challenge] = await open(rigs.devices!);
    const other = result(challenge!, {
      devices: [
        { uuid: DEVICES[0]!, model: "RTX 4090" },
        { uuid: "GPU-ffff", model: "RTX 4090" },
      ],
    });
    const judged = ok(
      await post(rigs.devices!, challenge!, answer(rigs.devices!, challenge!, { result: other })),
      gpuChallengeSchema,
    );
    expect(judged.state).toBe("failed");
    expect(judged.detail).toContain(`missing: ${DEVICES[1]}; not listed: GPU-ffff`);
    expect((await verificationOf(rigs.devices!))?.verification).toBe("failed");
  });

  it("Should mark an offer measured far below its model unverified, keeping what it measured", async () => {
    const [challenge] = await open(rigs.below!);
    // Two RTX 4090s: 165.2 TFLOPS on the datasheet; under half of it is unverified.
    const judged = ok(
      await post(
        rigs.below!,
        challenge!,
        answer(rigs.below!, challenge!, { result: result(challenge!, { tflops: 20 }) }),
      ),
      gpuChallengeSchema,
    );
    expect(judged).toMatchObject({ state: "unverified" });
    expect(judged.detail).toContain("165.2 expected");
    expect(await verificationOf(rigs.below!)).toEqual({ verification: "unverified", measured_tflops: 20 });
  });

  it("Should hold a CPU run for a GPU listing to the GPU's figure unless CPU stands in for GPU (demo machines)", () => {
    const issued = {
      nonce: "ab",
      model: "RTX 4090",
      deviceIds: ["0"],
      deadline: new Date("2030-01-01T01:00:00Z"),
    };
    const cpuRun = {
      signatureValid: true,
      receivedAt: new Date("2030-01-01T00:00:10Z"),
      nonce: "ab",
      result: {
        nonce: "ab",
        kind: "cpu" as const,
        tflops: 0.02,
        memoryBandwidthGBs: 30,
        devices: [{ uuid: "0", model: "EPYC" }],
        elapsedMs: 1200,
      },
    };
    expect(judge(issued, cpuRun, { threshold: 0.5, cpuForGpu: false }).state).toBe("unverified");
    expect(judge(issued, cpuRun, { threshold: 0.5, cpuForGpu: true }).state).toBe("verified");
  });

  it("Should judge a CPU listing's CPU run against the CPU baseline", async () => {
    const [challenge] = await open(rigs.cpu!);
    const cpu = result(challenge!, {
      kind: "cpu",
      tflops: 0.02,
      devices: [{ uuid: "cpu", model: "AMD EPYC" }],
    });
    const judged = ok(
      await post(rigs.cpu!, challenge!, answer(rigs.cpu!, challenge!, { result: cpu })),
      gpuChallengeSchema,
    );
    expect(judged.state).toBe("verified");
  });

  it("Should fail an answer whose signature is not the provider's, or whose nonce is another", async () => {
    const [challenge] = await open(rigs.forged!);
    const signed = answer(rigs.forged!, challenge!, { result: result(challenge!) });
    // Signed by another wallet: the correct rig's.
    const forged = {
      ...signed,
      signature: rigs.correct!.wallet.sign(canonicalJson({ ...signed, signature: undefined } as Json)),
    };
    const judged = ok(await post(rigs.forged!, challenge!, forged), gpuChallengeSchema);
    expect(judged).toMatchObject({ state: "failed", detail: expect.stringContaining("signature") });
  });

  it("Should fail a late answer, and an unanswered challenge at the expiry sweep", async () => {
    const [late] = await open(rigs.late!);
    h.clock.advance(301_000);
    const judged = ok(
      await post(rigs.late!, late!, answer(rigs.late!, late!, { result: result(late!) })),
      gpuChallengeSchema,
    );
    expect(judged).toMatchObject({ state: "failed", detail: expect.stringContaining("after the deadline") });
    const { expired } = await never.tick();
    expect(expired).toBe(1);
    expect((await verificationOf(rigs.silent!))?.verification).toBe("failed");
    const recent = ok(
      await h.request("GET", `/api/v1/providers/${rigs.silent!.provider.id}/challenges/recent`),
      gpuChallengeList,
    );
    expect(recent.items[0]).toMatchObject({ state: "failed", detail: "no answer before the deadline" });
  });

  it("Should leave unverified and failed offers out of the default search", async () => {
    const ids = (page: { items: { providerId: string }[] }) =>
      new Set(page.items.map((gpu) => gpu.providerId));
    const shown = ids(ok(await h.request("GET", "/api/v1/gpus"), gpuPage));
    expect(shown).toEqual(new Set([rigs.correct!.provider.id, rigs.cpu!.provider.id]));
    const all = ids(ok(await h.request("GET", "/api/v1/gpus?include_unverified=true"), gpuPage));
    expect(all.size).toBe(Object.keys(rigs).length);
  });

  it("Should challenge idle offers at random, never rented ones, and keep the verdict on a busy answer", async () => {
    const always = new ChallengeScheduler(
      h.services.challenges,
      { tickS: 30, meanIntervalS: 3600 },
      h.services.log,
      () => 0,
    );
    await h.db.query("UPDATE gpus SET rented_by = gen_random_uuid() WHERE provider_id = $1", [
      rigs.cpu!.provider.id,
    ]);
    const { issued } = await always.tick();
    expect(issued).toHaveLength(Object.keys(rigs).length - 1);
    expect(await open(rigs.cpu!)).toEqual([]);
    const [random] = await open(rigs.correct!);
    expect(random!.reason).toBe("random");
    const busy = ok(
      await post(rigs.correct!, random!, answer(rigs.correct!, random!, { busy: true })),
      gpuChallengeSchema,
    );
    expect(busy.state).toBe("busy");
    expect((await verificationOf(rigs.correct!))?.verification).toBe("verified");
  });
});
