import { compileDeployment } from "@gpuc/ergoscript";
import { type ChainClient, Signer } from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import { createLogger } from "@gpuc/platform";
import {
  type ChallengeSigner,
  gpuChallengeAnswerMessage,
  type Heartbeat,
  heartbeatMessage,
  listingHash,
  MarketplaceClient,
  ProblemError,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeRentalChain } from "./chain/node-rental-chain.ts";
import { createMarketplaceIndexer } from "./indexing.ts";
import { sampleListing, seedStake } from "./testing/fixtures.ts";
import { type Harness, startHarness } from "./testing/harness.ts";
import { TestWallet } from "./testing/wallet.ts";

const GPUC = 1_000_000n;

/** A test wallet as `MarketplaceClient.signIn` wants it: it signs the challenge text as is (hex proof). */
const challengeSigner = (wallet: TestWallet): ChallengeSigner => ({
  address: wallet.address,
  signChallenge: (message) => ({ proof: wallet.sign(message) }),
});

/**
 * @gpuc/sdk's MarketplaceClient against the real marketplace app on the devnet: every route through its typed
 * method, every answer through the schemas the routes are declared with, refusals as ProblemError.
 */
describe("MarketplaceClient against the marketplace", () => {
  let chain: TestChain;
  let h: Harness;
  let indexer: ReturnType<typeof createMarketplaceIndexer>;
  let anonymous: MarketplaceClient;
  const called = new Set<string>();
  const consumerWallet = new TestWallet();

  beforeAll(async () => {
    chain = await startTestChain();
    const { tokenIds } = await chain.devnet.faucet(consumerWallet.address, {
      nanoErgs: 10_000_000_000n,
      tokens: [{ amount: 100n * GPUC, name: "GPUC" }],
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
    // Every request the client sends, to check below that it has a method for every documented route.
    const recording: typeof fetch = (input, init) => {
      called.add(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    anonymous = new MarketplaceClient({ baseUrl: h.url, fetch: recording, retry: false });
    await indexer.syncOnce();
  });
  afterAll(async () => {
    await h?.close();
    await chain?.stop();
  });

  it("Should read the public routes and sign a wallet in", async () => {
    expect(await anonymous.status()).toMatchObject({ status: "ok", network: "testnet" });
    expect((await anonymous.jwks()).keys[0]).toMatchObject({ alg: "EdDSA", kty: "OKP" });
    expect(await anonymous.openApi()).toMatchObject({ openapi: "3.1.0" });
    const wallet = new TestWallet();
    const session = await anonymous.signIn(challengeSigner(wallet));
    expect(session.address).toBe(wallet.address);
    const mine = anonymous.withAuth(session.token);
    expect(await mine.listInstances()).toEqual({ items: [], page: 1, limit: 20, total: 0 });
    await mine.signOut();
    const error = await mine.listInstances().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 401, type: expect.stringMatching(/^urn:gpuc:problem:/) });
  });

  it("Should create, list and revoke API keys, and refuse the revoked one", async () => {
    const owner = anonymous.withAuth((await anonymous.signIn(challengeSigner(new TestWallet()))).token);
    const created = await owner.createApiKey({ name: "ci", scopes: ["read"] });
    expect(created.key).toMatch(/^gpuc_/);
    expect((await owner.listApiKeys()).items.map((key) => key.id)).toEqual([created.id]);
    const keyed = anonymous.withAuth(created.key);
    expect((await keyed.listInstances()).total).toBe(0);
    expect((await owner.revokeApiKey(created.id)).revokedAt).not.toBeNull();
    await expect(keyed.listInstances()).rejects.toMatchObject({ status: 401 });
  });

  it("Should carry a route's validation problem and its extensions, and a 404", async () => {
    const invalid = await anonymous.searchGpus({ sort: "cheapest" }).catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ status: 400, path: "/api/v1/gpus?sort=cheapest" });
    expect((invalid as ProblemError).extensions.issues).toEqual([expect.objectContaining({ path: "sort" })]);
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(anonymous.gpu(missing)).rejects.toMatchObject({
      status: 404,
      detail: expect.stringContaining(missing),
    });
  });

  it("Should register a provider, heartbeat, rent, fund, run and stop a rental through the client", async () => {
    const owner = new TestWallet();
    const provider = anonymous.withAuth((await anonymous.signIn(challengeSigner(owner))).token);
    const listing = sampleListing({ pricePerHour: String(2n * GPUC) });
    const { listingHash: served, gpus } = await anonymous.listingHash(listing);
    expect({ served, gpus }).toEqual({ served: listingHash(listing), gpus: 2 });
    const stakeBoxId = await seedStake(h, owner, { listing });
    const registered = await provider.registerProvider({ name: "rig", stakeBoxId, listing });
    expect(await provider.myProviders()).toEqual([registered]);
    expect((await anonymous.provider(registered.id)).name).toBe("rig");
    expect((await provider.updateListing(registered.id, { listing })).listed).toBe(true);
    const executor = anonymous.withAuth(
      (await provider.createApiKey({ name: "executor", scopes: ["provider"] })).key,
    );
    const heartbeat: Heartbeat = {
      providerId: registered.id,
      timestamp: h.clock.now().toISOString(),
      gpus: [{ index: 0, uuid: "GPU-0", name: "RTX 4090" }],
      instances: [],
    };
    // Signed over the sdk's heartbeatMessage, verified by the marketplace from the JSON it received.
    const signature = owner.sign(new TextDecoder().decode(heartbeatMessage(heartbeat)));
    expect(await executor.sendHeartbeat(registered.id, { ...heartbeat, signature })).toMatchObject({
      providerId: registered.id,
      online: true,
    });

    // GPU verification: the scheduler's tick issues the listing's challenge, the executor polls and answers it.
    await h.services.challengeScheduler.tick();
    const [challenge] = await executor.openGpuChallenges(registered.id);
    const busy = {
      challengeId: challenge!.id,
      providerId: registered.id,
      nonce: challenge!.nonce,
      busy: true,
    };
    const busySignature = owner.sign(new TextDecoder().decode(gpuChallengeAnswerMessage(busy)));
    expect(
      await executor.answerGpuChallenge(registered.id, { ...busy, signature: busySignature }),
    ).toMatchObject({
      state: "busy",
    });
    expect((await anonymous.recentGpuChallenges(registered.id))[0]).toMatchObject({ id: challenge!.id });
    expect((await anonymous.reputation(registered.id)).providerId).toBe(registered.id);

    const page = await anonymous.searchGpus({ max_price: 2n * GPUC, available: true, gpu_name: "4090" });
    expect(page.items.map((gpu) => gpu.providerId)).toContain(registered.id);
    const offer = page.items.find((gpu) => gpu.providerId === registered.id)!;
    expect(await anonymous.gpu(offer.id)).toEqual(offer);

    const broke = anonymous.withAuth((await anonymous.signIn(challengeSigner(new TestWallet()))).token);
    // A wallet without GPUC: the 402 carries how much is missing.
    const short = await broke
      .createInstance({ gpuId: offer.id, hours: 1, image: "x" })
      .catch((e: unknown) => e);
    expect(short).toMatchObject({ status: 402, extensions: { missing: String(2n * GPUC) } });
    const consumer = anonymous.withAuth((await anonymous.signIn(challengeSigner(consumerWallet))).token);

    const { instance, unsignedTx } = await consumer.createInstance({
      gpuId: offer.id,
      hours: 2,
      image: "gpuc/busybox:test",
    });
    const signer = Signer.fromSecretHex(consumerWallet.secretHex, "testnet");
    const signed = await signer.sign(
      unsignedTx as Parameters<Signer["sign"]>[0],
      chain.client as ChainClient,
    );
    expect((await consumer.fundInstance(instance.id, signed)).escrowTxId).toBe(signed.id);
    await chain.mine();
    await indexer.syncOnce();
    expect((await consumer.instance(instance.id)).state).toBe("Funded");
    expect((await consumer.listInstances({ state: "Funded" })).items.map((item) => item.id)).toEqual([
      instance.id,
    ]);

    const assigned = await executor.assignedRentals(registered.id);
    expect(assigned.unreadable).toEqual([]);
    expect(assigned.rentals).toEqual([
      expect.objectContaining({
        id: instance.id,
        state: "Funded",
        gpuIds: ["0", "1"],
        pricePerHour: String(2n * GPUC),
      }),
    ]);
    expect((await executor.reportEvent(instance.id, { state: "Starting" })).state).toBe("Starting");
    expect((await executor.reportEvent(instance.id, { state: "Running" })).state).toBe("Running");
    const credential = await consumer.issueCredential(instance.id, ["logs"]);
    expect(credential).toMatchObject({ instanceId: instance.id, scope: ["logs"] });
    // This chain has no Config box to build a top-up against: the 503 says so.
    await expect(consumer.extendInstance(instance.id, 1)).rejects.toMatchObject({ status: 503 });
    await expect(consumer.fundExtension(instance.id, signed)).rejects.toMatchObject({ status: 422 });
    await expect(consumer.resolveDispute(instance.id, 0n)).rejects.toMatchObject({ status: 403 });
    expect(await consumer.stopInstance(instance.id)).toMatchObject({
      state: "Stopping",
      closeReason: "user_stopped",
    });
    expect((await executor.reportEvent(instance.id, { state: "Completed", billedSeconds: 60 })).state).toBe(
      "Completed",
    );
    expect((await consumer.disputeInstance(instance.id, "it never ran my job")).state).toBe("Disputed");
    await webAppRoutes({ consumer, provider, providerId: registered.id, instanceId: instance.id, signed });
    await receiptRoutes({ consumer, executor, providerId: registered.id, instanceId: instance.id });
  });

  /**
   * The web app's routes through their typed methods. This world has no node to build wallet transactions on and
   * no Config or Bank box: those answer what they can (404 from the index, 503 for the node); the devnet specs of
   * each feature cover their successes.
   */
  async function webAppRoutes(w: {
    consumer: MarketplaceClient;
    provider: MarketplaceClient;
    providerId: string;
    instanceId: string;
    signed: Awaited<ReturnType<Signer["sign"]>>;
  }) {
    // Leaving the loop ends the stream (its body is cancelled).
    for await (const live of w.consumer.instanceStream({ id: w.instanceId })) {
      expect(live).toMatchObject({ id: w.instanceId, state: "Disputed" });
      break;
    }
    const listening = async () =>
      (
        await h.db.query<{ count: bigint }>(
          "SELECT COUNT(*) AS count FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN gpuc_instances'",
        )
      )[0]?.count;
    await expect.poll(listening, { timeout: 2_000 }).toBe(0n);
    await expect(w.consumer.exitInstance(w.instanceId)).rejects.toMatchObject({ status: 409 });
    await expect(w.consumer.submitExit(w.instanceId, w.signed)).rejects.toMatchObject({ status: 409 });
    await expect(w.consumer.creditAccount()).rejects.toMatchObject({ status: 404 });
    await expect(w.consumer.creditTx("open", 1n)).rejects.toMatchObject({ status: 503 });
    for (const action of ["collateral/add", "collateral/withdraw", "draw", "repay"] as const)
      await expect(w.consumer.creditTx(action, 1n)).rejects.toMatchObject({ status: 404 });
    await expect(anonymous.swapTokens()).rejects.toMatchObject({ status: 404 });
    await expect(w.consumer.swapTx({ tokenId: "ab".repeat(32), amount: "1" })).rejects.toMatchObject({
      status: 503,
    });
    await expect(w.consumer.submitTransaction(w.signed)).rejects.toMatchObject({ status: 503 });
    expect(await anonymous.providerStake(w.providerId)).toMatchObject({ providerId: w.providerId, gpus: 2 });
    expect((await w.provider.providerEarnings(w.providerId)).payouts).toEqual([]);
    expect(await anonymous.executorStatus(w.providerId)).toMatchObject({ online: true });
    expect((await w.provider.ownStake()).bonded).toBe(true);
    await expect(w.provider.createStakeTx({ amount: "1", listing: sampleListing() })).rejects.toMatchObject({
      status: 503,
    });
    await expect(w.provider.topUpStakeTx({ amount: "1" })).rejects.toMatchObject({ status: 503 });
    await expect(w.provider.unbondStakeTx()).rejects.toMatchObject({ status: 503 });
    await expect(w.provider.withdrawStakeTx()).rejects.toMatchObject({ status: 503 });
    expect((await anonymous.protocolTotals()).invariant).toMatchObject({ holds: true });
  }

  /** The receipt routes and the executor's push stream: this world settles nothing, so there is nothing to prove. */
  async function receiptRoutes(w: {
    consumer: MarketplaceClient;
    executor: MarketplaceClient;
    providerId: string;
    instanceId: string;
  }) {
    expect((await w.consumer.instanceReceipts(w.instanceId)).receipts).toEqual([]);
    expect(await anonymous.receiptMismatches()).toBeDefined();
    // A batch that proves nothing (no receipts) is refused, whatever its root says.
    const empty = { txId: "ab".repeat(32), root: "00".repeat(32), receipts: [] };
    await expect(w.executor.putReceiptBatch(w.providerId, empty)).rejects.toMatchObject({
      status: expect.any(Number),
    });
    // The first event of the provider's stream is its sync; leaving the loop ends the stream.
    for await (const event of w.executor.providerRentalStream(w.providerId)) {
      expect(event).toBeDefined();
      break;
    }
  }

  it("Should have called every documented route (but /metrics) through a typed method", async () => {
    const document = await anonymous.openApi();
    const paths = document.paths as Record<string, Record<string, unknown>>;
    const routes = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
    const uncalled = routes.filter(
      ({ method, path }) =>
        path !== "/metrics" &&
        ![...called].some((call) => {
          const [verb, url] = call.split(" ");
          return verb === method && new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`).test(url!);
        }),
    );
    expect(uncalled).toEqual([]);
  });
});
