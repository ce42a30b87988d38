import { randomUUID } from "node:crypto";
import { createLogger, createPool, Database } from "@gpuc/platform";
import { createTestDatabase, type TestDatabase } from "@gpuc/platform/testing";
import { type GpuChallenge, gpuChallengeAnswerMessage, type SignedGpuChallengeAnswer } from "@gpuc/sdk";
import { Address, verify_signature } from "ergo-lib-wasm-nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signerFromSecretKey } from "../keys/provider-signer.ts";
import { Ledger } from "../ledger/ledger.ts";
import { migrateExecutor } from "../ledger/migrations.ts";
import { challengeFor } from "../testing/challenges.ts";
import { testDocker } from "../testing/docker.ts";
import { testRental } from "../testing/rentals.ts";
import { type ChallengeMarketplace, ChallengeRunner } from "./challenge-runner.ts";

const providerId = randomUUID();
const signer = signerFromSecretKey("5".repeat(64), "testnet");
const log = createLogger("executor", { level: "error" });

/** The marketplace's side as recorded: the challenges it hands out and the answers it receives. */
class RecordingMarketplace implements ChallengeMarketplace {
  readonly answers: SignedGpuChallengeAnswer[] = [];
  constructor(readonly open: GpuChallenge[]) {}
  async openGpuChallenges() {
    return this.open;
  }
  async answerGpuChallenge(answer: SignedGpuChallengeAnswer) {
    this.answers.push(answer);
    return this.open.find((challenge) => challenge.id === answer.challengeId)!;
  }
}

function verifies(answer: SignedGpuChallengeAnswer): boolean {
  const { signature, ...body } = answer;
  return verify_signature(
    Address.from_base58(signer.address),
    gpuChallengeAnswerMessage(body),
    Buffer.from(signature, "hex"),
  );
}

describe("Challenge runner", () => {
  let test: TestDatabase;
  let db: Database;
  let ledger: Ledger;
  const docker = testDocker();

  beforeAll(async () => {
    test = await createTestDatabase("executor_challenges");
    db = new Database(createPool(test.url, { max: 2 }));
    await migrateExecutor(db.pool);
    ledger = new Ledger(db);
  });
  afterAll(async () => {
    await db.close();
    await test.drop();
  });

  const runner = (marketplace: ChallengeMarketplace, gpus = false, cudaImage?: string) =>
    new ChallengeRunner({
      docker,
      ledger,
      signer,
      marketplace,
      log,
      options: { providerId, gpus, ...(cudaImage ? { cudaImage } : {}) },
    });

  it("Should run the CPU benchmark image on the real Docker engine and post the result signed", async () => {
    const challenge = challengeFor(["0", "1"]);
    const marketplace = new RecordingMarketplace([challenge]);
    expect(await runner(marketplace).poll()).toEqual({ [challenge.id]: "answered" });
    const [answer] = marketplace.answers;
    expect(answer).toMatchObject({ challengeId: challenge.id, providerId, nonce: challenge.nonce });
    expect(answer!.result).toMatchObject({ nonce: challenge.nonce, kind: "cpu" });
    expect(answer!.result!.devices.map((device) => device.uuid)).toEqual(["0", "1"]);
    expect(answer!.result!.tflops).toBeGreaterThan(0.001);
    expect(answer!.result!.memoryBandwidthGBs).toBeGreaterThan(1);
    expect(answer!.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(verifies(answer!)).toBe(true);
    expect(verifies({ ...answer!, nonce: "00" })).toBe(false);
    // The container is gone afterwards.
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`org.gpuc.challenge=${challenge.id}`] },
    });
    expect(left).toEqual([]);
  }, 60_000);

  it("Should answer busy, without running anything, while a rental holds the listed devices", async () => {
    const rental = testRental({ gpuIds: ["1"] });
    await ledger.addRental({
      rental,
      providerId,
      terms: { periodSeconds: 60, prepaidPeriods: 1, pricePerPeriod: 1n },
      state: "Starting",
    });
    const busy = challengeFor(["1"]);
    const free = challengeFor(["7"], { deadline: new Date(Date.now() - 1000).toISOString() });
    const marketplace = new RecordingMarketplace([busy]);
    expect(await runner(marketplace).poll()).toEqual({ [busy.id]: "busy" });
    expect(marketplace.answers[0]).toMatchObject({ busy: true, nonce: busy.nonce });
    expect(marketplace.answers[0]!.result).toBeUndefined();
    expect(verifies(marketplace.answers[0]!)).toBe(true);
    // A GPU machine without the CUDA image built says so and waits, rather than answering with the CPU kernel.
    expect(await runner(new RecordingMarketplace([free]), true).poll()).toEqual({ [free.id]: "skipped" });
    await ledger.finish(rental.id, "Completed");
  });
});
