import { compileDeployment } from "@gpuc/ergoscript";
import { type ChainClient, Signer } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger } from "@gpuc/platform";
import {
  canonicalJson,
  createdInstanceSchema,
  credentialSchema,
  executorInstanceSchema,
  gpuSchema,
  heartbeatResponse,
  instancePage,
  instanceSchema,
} from "@gpuc/sdk";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { NodeRentalChain } from "../chain/node-rental-chain.ts";
import { createMarketplaceIndexer } from "../indexing.ts";
import { registerProvider, sampleListing } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

const GPUC = 1_000_000n;

describe("Rentals end to end on the devnet", () => {
  let chain: TestChain;
  let h: Harness;
  let consumer: TestWallet;
  let consumerToken: string;
  let signer: Signer;
  let indexer: ReturnType<typeof createMarketplaceIndexer>;
  let provider: Awaited<ReturnType<typeof registerProvider>>;
  let gpuId: string;

  async function heartbeat(at = h.clock.now(), endpoint?: string) {
    const body = {
      ...(endpoint ? { endpoint } : {}),
      timestamp: at.toISOString(),
      gpus: [{ index: 0, uuid: "GPU-1", name: "RTX 4090" }],
      instances: [],
    };
    const signature = provider.wallet.sign(canonicalJson(body));
    const reply = await h.request("POST", `/api/v1/providers/${provider.provider.id}/heartbeats`, {
      token: provider.apiKey,
      body: { ...body, signature },
    });
    return reply;
  }

  /** Rents the offer, signs the escrow transaction with the consumer's key, submits it, mines and indexes. */
  async function rentAndFund(hours: number) {
    const created = ok(
      await h.request("POST", "/api/v1/instances", {
        token: consumerToken,
        body: { gpuId, hours, image: "gpuc/busybox:test", cmd: ["sleep", "60"], ports: [8080] },
      }),
      createdInstanceSchema,
      201,
    );
    const signed = await signer.sign(
      created.unsignedTx as Parameters<Signer["sign"]>[0],
      chain.client as ChainClient,
    );
    const funding = await h.request("POST", `/api/v1/instances/${created.instance.id}/funding`, {
      token: consumerToken,
      body: { signedTx: signed },
    });
    expect(ok(funding, instanceSchema)).toMatchObject({ state: "Created", escrowTxId: signed.id });
    await chain.mine();
    await indexer.syncOnce();
    return created.instance.id;
  }

  beforeAll(async () => {
    chain = await startTestChain();
    consumer = new TestWallet();
    signer = Signer.fromSecretHex(consumer.secretHex, "testnet");
    const { tokenIds } = await chain.devnet.faucet(consumer.address, {
      nanoErgs: 10_000_000_000n,
      tokens: [{ amount: 1_000n * GPUC, name: "GPUC" }],
    });
    await chain.mine();
    // The real contracts, compiled around the faucet-minted token as GPUC (Config and Bank are not needed here).
    const deployment = compileDeployment(
      { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: tokenIds[0]! },
      "testnet",
    );
    h = await startHarness(
      { billingHourS: 3600 },
      { chain: new NodeRentalChain(chain.client, deployment), deployment },
    );
    indexer = createMarketplaceIndexer(h.services, chain.client, {
      deployment: deployment,
      startHeight: 1,
      pollMs: 50,
      log: createLogger("indexer", { level: "error" }),
    });
    await indexer.syncOnce();
    consumerToken = (await h.signIn(consumer)).token;
    provider = await registerProvider(h, sampleListing({ pricePerHour: String(20n * GPUC), maxHours: 100 }));
    gpuId = ok(await h.request("GET", `/api/v1/gpus?region=eu-west`), z.object({ items: z.array(gpuSchema) }))
      .items[0]!.id;
  });
  afterAll(async () => {
    await h.close();
    await chain.stop();
  });

  it("Should refuse to rent an offline GPU, then accept a signed heartbeat and bring it online", async () => {
    const offline = await h.request("POST", "/api/v1/instances", {
      token: consumerToken,
      body: { gpuId, hours: 1, image: "x" },
    });
    expect(problemOf(offline, 409).detail).toContain("offline");
    const beat = ok(await heartbeat(), heartbeatResponse);
    expect(beat.online).toBe(true);
    expect(ok(await h.request("GET", `/api/v1/gpus/${gpuId}`), gpuSchema).available).toBe(true);
  });

  it("Should build no escrow for an offer whose executor missed its heartbeat, before the monitor notices", async () => {
    h.clock.advance(91_000); // past 1.5 heartbeat intervals (60 s); the offer still reads online
    expect(ok(await h.request("GET", `/api/v1/gpus/${gpuId}`), gpuSchema).available).toBe(true);
    const reply = await h.request("POST", "/api/v1/instances", {
      token: consumerToken,
      body: { gpuId, hours: 1, image: "x" },
    });
    const problem = problemOf(reply, 409);
    expect(problem.type).toBe("urn:gpuc:problem:provider-offline");
    expect(problem.detail).toMatch(
      /^provider offline: the executor serving GPU offer .* has not sent a heartbeat since/,
    );
    ok(await heartbeat(), heartbeatResponse);
  });

  it("Should refuse a heartbeat signed by another key, replayed, or from a skewed clock", async () => {
    const body = { timestamp: h.clock.now().toISOString(), gpus: [], instances: [] };
    const forged = await h.request("POST", `/api/v1/providers/${provider.provider.id}/heartbeats`, {
      token: provider.apiKey,
      body: { ...body, signature: new TestWallet().sign(canonicalJson(body)) },
    });
    expect(problemOf(forged, 401).detail).toContain("signature");
    problemOf(await heartbeat(new Date(h.clock.now().getTime() - 1000)), 409);
    problemOf(await heartbeat(new Date(h.clock.now().getTime() + 10 * 60_000)), 400);
  });

  it("Should answer 402 with the GPUC missing when the wallet cannot pay", async () => {
    // 1000 GPUC held; 100 hours × 20 GPUC = 2000 GPUC.
    const reply = await h.request("POST", "/api/v1/instances", {
      token: consumerToken,
      body: { gpuId, hours: 100, image: "x" },
    });
    const body = problemOf(reply, 402);
    expect(body).toMatchObject({
      required: String(2000n * GPUC),
      available: String(1000n * GPUC),
      missing: String(1000n * GPUC),
    });
    expect(body.detail).toContain(`add ${1000n * GPUC} GPUC units`);
  });

  it("Should ask the offer's executor first, and build no escrow for a rental it refuses (422 with its reason)", async () => {
    h.clock.advance(1000);
    ok(await heartbeat(h.clock.now(), "https://rig.example.net:8443"), heartbeatResponse);
    const rent = () =>
      h.request("POST", "/api/v1/instances", {
        token: consumerToken,
        body: { gpuId, hours: 1, image: "gpuc/nope:latest", ports: [8080] },
      });
    const listed = async () =>
      ok(
        await h.request("GET", "/api/v1/instances", { token: consumerToken }),
        z.object({ items: z.array(z.unknown()) }),
      ).items.length;
    const before = await listed();
    onTestFinished(() => {
      h.precheck.answer = undefined;
    });
    h.precheck.answer = "Image gpuc/nope:latest is not on this executor and cannot be pulled (not found)";
    const refused = problemOf(await rent(), 422);
    expect(refused).toMatchObject({
      type: "urn:gpuc:problem:rental-refused",
      reason: h.precheck.answer,
      detail: `The provider's executor refuses this rental: ${h.precheck.answer}`,
    });
    const call = h.precheck.calls.at(-1)!;
    expect(call).toMatchObject({
      executorUrl: "https://rig.example.net:8443",
      request: { image: "gpuc/nope:latest", ports: [8080], gpuIds: ["0", "1"] },
    });
    // The marketplace's own credential for the rental it was about to create; no consumer ever holds this scope.
    expect(decodeJwt(call.token)).toMatchObject({
      instance: call.rentalId,
      scope: ["precheck"],
      sub: consumer.address,
    });
    h.precheck.answer = "unreachable";
    expect(problemOf(await rent(), 503).type).toBe("urn:gpuc:problem:executor-unreachable");
    expect(await listed()).toBe(before);
  });

  it("Should fund from the confirmed escrow, issue a credential, and walk the states to Completed", async () => {
    const id = await rentAndFund(2);
    const funded = ok(
      await h.request("GET", `/api/v1/instances/${id}`, { token: consumerToken }),
      instanceSchema,
    );
    expect(funded).toMatchObject({ state: "Funded", amount: String(40n * GPUC), hours: 2 });
    expect(funded.escrowBoxId).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(funded.expiresAt!).getTime() - new Date(funded.fundedAt!).getTime()).toBe(2 * 3600_000);
    expect(ok(await h.request("GET", `/api/v1/gpus/${gpuId}`), gpuSchema).available).toBe(false);

    // The credential verifies against the served JWKS with the agreed claims.
    const credential = ok(
      await h.request("POST", `/api/v1/instances/${id}/credentials`, {
        token: consumerToken,
        body: { scope: ["logs", "exec"] },
      }),
      credentialSchema,
      201,
    );
    const jwks = createRemoteJWKSet(new URL(`${h.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(credential.token, jwks, {
      issuer: "gpuc-marketplace",
      audience: "gpuc-executor",
      currentDate: h.clock.now(),
    });
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", kid: expect.any(String) });
    expect(payload).toMatchObject({
      sub: consumer.address,
      instance: id,
      provider: provider.provider.id,
      scope: ["logs", "exec"],
    });
    expect(payload.exp).toBe(Math.floor(new Date(funded.expiresAt!).getTime() / 1000));

    // The executor sees it, with the offer's device ids and limits.
    const assigned = ok(
      await h.request("GET", `/api/v1/providers/${provider.provider.id}/instances?state=Funded,Starting`, {
        token: provider.apiKey,
      }),
      z.object({ items: z.array(executorInstanceSchema) }),
    );
    expect(assigned.items.map((item) => item.id)).toEqual([id]);
    expect(assigned.items[0]).toMatchObject({
      gpuIds: ["0", "1"],
      cmd: ["sleep", "60"],
      limits: { cpus: 16, memoryMb: 65536 },
    });
    problemOf(
      await h.request("GET", `/api/v1/providers/${provider.provider.id}/instances`, { token: consumerToken }),
      404,
    );

    const report = (body: object) =>
      h.request("POST", `/api/v1/instances/${id}/events`, { token: provider.apiKey, body });
    ok(await report({ state: "Starting" }), instanceSchema);
    ok(await report({ state: "Running" }), instanceSchema);
    // A repeated state (a retried delivery) is a no-op success; a move backwards stays a conflict.
    expect(ok(await report({ state: "Running" }), instanceSchema).state).toBe("Running");
    expect(problemOf(await report({ state: "Starting" }), 409).detail).toContain(
      "Running cannot move to Starting",
    );

    const stopped = ok(
      await h.request("POST", `/api/v1/instances/${id}/stop`, { token: consumerToken }),
      instanceSchema,
    );
    expect(stopped).toMatchObject({ state: "Stopping", closeReason: "user_stopped" });
    // A second stop (a retry, or a stop racing the prepaid time running out) is a success that changes nothing.
    const restopped = ok(
      await h.request("POST", `/api/v1/instances/${id}/stop`, { token: consumerToken }),
      instanceSchema,
    );
    expect(restopped).toMatchObject({ state: "Stopping", updatedAt: stopped.updatedAt });
    // The executor then reports the Stopping the marketplace already recorded (its own reason or another).
    const echoed = ok(await report({ state: "Stopping", reason: "user_stopped" }), instanceSchema);
    expect(echoed).toMatchObject({ state: "Stopping", closeReason: "user_stopped" });
    const raced = ok(await report({ state: "Stopping", reason: "funds_exhausted" }), instanceSchema);
    expect(raced).toMatchObject({ state: "Stopping", closeReason: "user_stopped" });
    const done = ok(await report({ state: "Completed", billedSeconds: 4242 }), instanceSchema);
    expect(done).toMatchObject({ state: "Completed", closeReason: "user_stopped", billedSeconds: 4242 });
    const again = ok(await report({ state: "Completed", billedSeconds: 4242 }), instanceSchema);
    expect(again).toMatchObject({ state: "Completed", billedSeconds: 4242, updatedAt: done.updatedAt });
    expect(problemOf(await report({ state: "Running" }), 409).detail).toContain(
      "Completed cannot move to Running",
    );
    expect(
      problemOf(await h.request("POST", `/api/v1/instances/${id}/stop`, { token: consumerToken }), 409)
        .detail,
    ).toBe(`Instance ${id} has already ended (Completed); nothing to stop`);
    problemOf(
      await h.request("POST", `/api/v1/instances/${id}/credentials`, { token: consumerToken, body: {} }),
      409,
    );
    expect(ok(await h.request("GET", `/api/v1/gpus/${gpuId}`), gpuSchema).available).toBe(true);

    const events = await h.services.instancesRepo.events(id);
    expect(events.map((event) => event.to_state)).toEqual([
      "Created",
      "Funded",
      "Starting",
      "Running",
      "Stopping",
      "Completed",
    ]);
    const mine = ok(
      await h.request("GET", "/api/v1/instances?state=Completed", { token: consumerToken }),
      instancePage,
    );
    expect(mine.items.map((item) => item.id)).toEqual([id]);
  });

  it("Should close a rental with provider_down after missed heartbeats, and take the GPUs offline", async () => {
    h.clock.advance(60_000);
    ok(await heartbeat(), heartbeatResponse);
    const id = await rentAndFund(1);
    expect(
      ok(await h.request("GET", `/api/v1/instances/${id}`, { token: consumerToken }), instanceSchema).state,
    ).toBe("Funded");

    h.clock.advance(3 * 60_000 + 1000);
    const first = await h.services.heartbeats.tick();
    expect(first).toEqual({ offline: [provider.provider.id], closed: [] });
    expect(ok(await h.request("GET", `/api/v1/gpus/${gpuId}`), gpuSchema).online).toBe(false);

    h.clock.advance(2 * 60_000);
    const second = await h.services.heartbeats.tick();
    expect(second.closed).toEqual([id]);
    const failed = ok(
      await h.request("GET", `/api/v1/instances/${id}`, { token: consumerToken }),
      instanceSchema,
    );
    expect(failed).toMatchObject({ state: "Failed", closeReason: "provider_down" });
  });
});
