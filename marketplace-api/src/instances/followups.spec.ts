import { buildClaimTx, buildProviderCloseTx, Signer } from "@gpuc/offchain";
import { createdApiKeySchema, createdInstanceSchema, instanceSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settlement } from "../chain/gateway.ts";
import { createServices } from "../services.ts";
import { type Followups, GPUC, PRICE, quiet, type Rig, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";

// Settlements, disputes and refunds, each checked on chain.
describe("Rental follow-ups on a deployed protocol", () => {
  let f: Followups;
  beforeAll(async () => {
    f = await startFollowups();
  });
  afterAll(async () => {
    await f?.close();
  });

  it("Should refund the f.consumer on chain when the provider goes down, leaving the provider only its claimed hour", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 3);
    const before = await f.pc.gpucOf(f.consumer.address);

    // One "hour" (2 blocks) passes; the provider claims it, the f.indexer follows the recreated escrow.
    await f.mineAndIndex();
    const providerSigner = Signer.fromSecretHex(rig.wallet.secretHex, "testnet");
    const claim = buildClaimTx({
      deployment: f.pc.deployment,
      configBox: (await f.pc.chain.client.unspentByTokenId(f.pc.deployment.configNftId))[0]!,
      height: await f.pc.chain.client.height(),
      provider: rig.wallet.address,
      claims: [{ escrowBox: (await f.pc.chain.client.unspentBox(funded.escrowBoxId!))!, hours: 1 }],
      inputs: await f.pc.chain.client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    await f.pc.chain.client.submit(await providerSigner.sign(claim, f.pc.chain.client));
    await f.mineAndIndex();
    const claimed = await f.get(funded.id);
    expect(claimed.escrowBoxId).not.toBe(funded.escrowBoxId);

    f.silence();
    expect((await f.h.services.heartbeats.tick()).closed).toEqual([funded.id]);
    const failed = await f.get(funded.id);
    expect(failed).toMatchObject({ state: "Failed", closeReason: "provider_down" });
    expect(failed.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    await f.mineAndIndex();

    expect(await f.pc.chain.client.unspentBox(claimed.escrowBoxId!)).toBeUndefined();
    expect(await f.pc.chain.client.transaction(failed.settlementTxId!)).toBeDefined();
    // 3 prepaid hours at 20 GPUC: 1 claimed (19.6 to the provider, 0.4 fee), 2 refunded.
    expect((await f.pc.gpucOf(f.consumer.address)) - before).toBe(2n * PRICE);
    expect(await f.pc.gpucOf(rig.wallet.address)).toBe((PRICE * 98n) / 100n);
    expect(await f.pc.gpucOf(f.pc.treasury.address)).toBe((PRICE * 2n) / 100n);
  });

  it("Should record the provider's close of an escrow as the rental's settlement transaction", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    const providerSigner = Signer.fromSecretHex(rig.wallet.secretHex, "testnet");
    const close = buildProviderCloseTx({
      deployment: f.pc.deployment,
      configBox: (await f.pc.chain.client.unspentByTokenId(f.pc.deployment.configNftId))[0]!,
      height: await f.pc.chain.client.height(),
      provider: rig.wallet.address,
      escrowBox: (await f.pc.chain.client.unspentBox(funded.escrowBoxId!))!,
      providerShare: 0n,
      inputs: await f.pc.chain.client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    const signed = await providerSigner.sign(close, f.pc.chain.client);
    await f.pc.chain.client.submit(signed);
    expect((await f.get(funded.id)).settlementTxId).toBeNull();
    await f.mineAndIndex();
    expect(await f.get(funded.id)).toMatchObject({
      escrowBoxId: funded.escrowBoxId,
      settlementTxId: signed.id,
    });
    // Its executor reports the end, as a real one would (a rental left Funded would go provider_down later).
    for (const state of ["Starting", "Running", "Stopping"] as const)
      ok(
        await f.report(rig, funded.id, {
          state,
          ...(state === "Stopping" ? { reason: "user_stopped" } : {}),
        }),
        instanceSchema,
      );
    const ended = ok(
      await f.report(rig, funded.id, { state: "Completed", reason: "user_stopped" }),
      instanceSchema,
    );
    expect(ended).toMatchObject({ state: "Completed", settlementTxId: signed.id });
  });

  it("Should not resolve twice when the marketplace restarts between submitting the refund and recording it", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    const before = await f.pc.gpucOf(f.consumer.address);

    // The first process submits the refund, then dies before the rental is marked Failed.
    const crashing: Settlement = {
      async resolve(...args) {
        await f.arbiterSettlement.resolve(...args);
        throw new Error("process killed after submit");
      },
      status: (txId) => f.arbiterSettlement.status(txId),
    };
    const services = (settlement: Settlement) =>
      createServices({
        db: f.h.db,
        config: f.h.services.config,
        clock: f.h.clock,
        log: quiet,
        settlement,
        deployment: f.pc.deployment,
      });
    const first = services(crashing);
    f.silence();
    expect((await first.heartbeats.tick()).closed).toEqual([]);
    const [row] = await f.h.db.query<{ state: string; settlement_tx_id: string }>(
      "SELECT state, settlement_tx_id FROM instances WHERE id = $1",
      [funded.id],
    );
    expect(row).toMatchObject({ state: "Funded", settlement_tx_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await f.pc.chain.client.unconfirmedTransaction(row!.settlement_tx_id)).toBeDefined();

    // The restarted process finds the refund pending on chain and only records the outcome.
    let resolves = 0;
    const counting: Settlement = {
      resolve: (...args) => {
        resolves++;
        return f.arbiterSettlement.resolve(...args);
      },
      status: (txId) => f.arbiterSettlement.status(txId),
    };
    const restarted = services(counting);
    // It closes nothing for silence it did not see (its own downtime), only after listening long enough itself.
    expect((await restarted.heartbeats.tick()).closed).toEqual([]);
    f.silence();
    expect((await restarted.heartbeats.tick()).closed).toEqual([funded.id]);
    expect(resolves).toBe(0);
    expect(await f.get(funded.id)).toMatchObject({
      state: "Failed",
      closeReason: "provider_down",
      settlementTxId: row!.settlement_tx_id,
    });
    await f.mineAndIndex();
    expect(await f.pc.chain.client.transaction(row!.settlement_tx_id)).toBeDefined();
    expect((await f.pc.gpucOf(f.consumer.address)) - before).toBe(2n * PRICE);
  });

  it("Should let the f.consumer dispute and only the arbiter resolve it on chain with a split", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    const before = await f.pc.gpucOf(f.consumer.address);

    const disputed = ok(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: f.consumerToken,
        body: { reason: "the GPU is an RTX 3060, not a 4090" },
      }),
      instanceSchema,
    );
    expect(disputed).toMatchObject({
      state: "Disputed",
      disputeReason: "the GPU is an RTX 3060, not a 4090",
    });
    problemOf(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: rig.token,
        body: { reason: "not mine to dispute" },
      }),
      404,
    );

    const resolve = (token: string, providerShare: string) =>
      f.h.request("POST", `/api/v1/instances/${funded.id}/resolve`, { token, body: { providerShare } });
    expect(problemOf(await resolve(f.consumerToken, "0"), 403).detail).toContain("arbiter");
    const denied = await f.h.request("POST", "/api/v1/api-keys", {
      token: f.consumerToken,
      body: { name: "sneaky", scopes: ["arbiter"] },
    });
    expect(problemOf(denied, 403).detail).toContain("arbiter wallet");

    // The arbiter's own wallet session mints an arbiter-scoped API key.
    const { token: arbiterSession } = await f.h.signIn(f.pc.arbiter);
    const arbiterKey = ok(
      await f.h.request("POST", "/api/v1/api-keys", {
        token: arbiterSession,
        body: { name: "disputes", scopes: ["arbiter"] },
      }),
      createdApiKeySchema,
      201,
    ).key;
    problemOf(await resolve(arbiterKey, String(1000n * GPUC)), 400);

    // Found by the API fuzz: a second resolve racing the first built a double spend the node rejected, a 500.
    const [resolvedReply, racing] = await Promise.all([
      resolve(arbiterKey, String(10n * GPUC)),
      resolve(arbiterKey, String(10n * GPUC)),
    ]);
    // The loser is refused either while the winner is in flight or, on a slow machine, after it finished.
    expect(problemOf(racing, 409).detail).toMatch(/already under way|is Resolved; only a Disputed/);
    const resolved = ok(resolvedReply, instanceSchema);
    expect(resolved).toMatchObject({ state: "Resolved", closeReason: "arbiter" });
    expect(resolved.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    problemOf(await resolve(arbiterKey, "0"), 409);
    await f.mineAndIndex();

    // 40 GPUC held: 10 to the provider's side (9.8 + 0.2 fee), 30 back to the f.consumer.
    expect((await f.pc.gpucOf(f.consumer.address)) - before).toBe(30n * GPUC);
    expect(await f.pc.gpucOf(rig.wallet.address)).toBe(9_800_000n);
    expect(await f.pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeUndefined();
  });

  it("Should refund in full, by the arbiter, an escrow that confirms after its rental failed", async () => {
    const rig = await f.newProvider();
    const before = await f.pc.gpucOf(f.consumer.address);
    const created = await f.create(rig, 2);
    const id = created.instance.id;
    await f.submitFunding(id, await f.sign(created.unsignedTx)); // in the mempool
    // The f.consumer stops the rental before the escrow confirms: Failed, the GPU freed.
    const stopped = ok(
      await f.h.request("POST", `/api/v1/instances/${id}/stop`, { token: f.consumerToken }),
      instanceSchema,
    );
    expect(stopped.state).toBe("Failed");
    expect(await f.pc.gpucOf(f.consumer.address)).toBe(before - 2n * PRICE);

    await f.mineAndIndex(); // the escrow confirms; the refund is signed, recorded and submitted
    const [refund] = await f.h.services.refundsRepo.forInstance(id);
    expect(refund).toMatchObject({
      reason: "the rental is already Failed",
      tx_id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The next block's sync sees the refund pending and does not resolve again.
    expect(await f.h.services.arbiter!.refundPending()).toBe(0);
    await f.mineAndIndex();

    expect(await f.pc.chain.client.transaction(refund!.tx_id!)).toBeDefined();
    expect(await f.pc.chain.client.unspentBox(refund!.box_id)).toBeUndefined();
    expect(await f.pc.gpucOf(f.consumer.address)).toBe(before);
    expect(await f.pc.gpucOf(rig.wallet.address)).toBe(0n);
    expect(await f.get(id)).toMatchObject({ state: "Failed", escrowBoxId: null });
  });

  it("Should refuse an executor closing a rental as the arbiter or failing it for another reason", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);

    // The reviewer's: the provider's key reports the rental Failed with reason arbiter.
    problemOf(await f.report(rig, funded.id, { state: "Failed", reason: "arbiter" }), 400);
    problemOf(await f.report(rig, funded.id, { state: "Failed", reason: "user_stopped" }), 400);
    expect(await f.get(funded.id)).toMatchObject({ state: "Funded", closeReason: null });

    // An executor's provider_down (its container vanished) is its own failure, not the marketplace's verdict.
    ok(await f.report(rig, funded.id, { state: "Starting" }), instanceSchema);
    const stopping = ok(
      await f.report(rig, funded.id, { state: "Stopping", reason: "provider_down" }),
      instanceSchema,
    );
    expect(stopping).toMatchObject({ state: "Stopping", closeReason: "provider_rejected" });

    // A rental not funded yet is none of the executor's business.
    const other = await f.newProvider();
    const created = await f.create(other, 1);
    problemOf(
      await f.report(other, created.instance.id, { state: "Failed", reason: "provider_rejected" }),
      409,
    );
    expect((await f.get(created.instance.id)).state).toBe("Created");
  });

  it("Should let the f.consumer dispute a funded rental its provider reported Failed", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    ok(await f.report(rig, funded.id, { state: "Starting" }), instanceSchema);
    const failed = ok(
      await f.report(rig, funded.id, { state: "Failed", reason: "provider_rejected", detail: "no GPU" }),
      instanceSchema,
    );
    expect(failed).toMatchObject({
      state: "Failed",
      closeReason: "provider_rejected",
      closeDetail: "no GPU",
    });

    const disputed = ok(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: f.consumerToken,
        body: { reason: "it never ran" },
      }),
      instanceSchema,
    );
    expect(disputed).toMatchObject({ state: "Disputed", disputeReason: "it never ran" });
    // Disputed, it waits for the arbiter: no automatic refund.
    await f.mineAndIndex(3);
    expect(await f.get(funded.id)).toMatchObject({ state: "Disputed", settlementTxId: null });
    expect(await f.pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeDefined();
  });

  it("Should refund the unpaid part of an escrow its provider reported Failed and left unspent", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 3);
    const before = await f.pc.gpucOf(f.consumer.address);
    await f.claimOneHour(rig, funded.escrowBoxId!);
    const claimed = await f.get(funded.id);
    expect(claimed.escrowBoxId).not.toBe(funded.escrowBoxId);

    ok(await f.report(rig, funded.id, { state: "Starting" }), instanceSchema);
    ok(await f.report(rig, funded.id, { state: "Failed", reason: "provider_rejected" }), instanceSchema);
    await f.mineAndIndex(2); // within FAILED_ESCROW_REFUND_AFTER_BLOCKS (2): the executor's own close may come
    expect(await f.get(funded.id)).toMatchObject({ state: "Failed", settlementTxId: null });

    await f.mineAndIndex(); // 2 blocks past the first one that saw it Failed: the arbiter refunds
    const refunded = await f.get(funded.id);
    expect(refunded.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    await f.mineAndIndex();
    expect(await f.pc.chain.client.unspentBox(claimed.escrowBoxId!)).toBeUndefined();
    // 3 prepaid hours at 20 GPUC: 1 claimed (19.6 to the provider, 0.4 fee), 2 refunded to the f.consumer.
    expect((await f.pc.gpucOf(f.consumer.address)) - before).toBe(2n * PRICE);
    expect(await f.pc.gpucOf(rig.wallet.address)).toBe((PRICE * 98n) / 100n);
    // Settled: nothing left to dispute, and no second refund.
    problemOf(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: f.consumerToken,
        body: { reason: "too late" },
      }),
      409,
    );
    expect(await f.h.services.arbiter!.refundFailedEscrows(await f.pc.chain.client.height())).toEqual([]);
  });

  it("Should not let one wallet reserve GPUs beyond its GPUC or more than 2 awaiting funding", async () => {
    const rigs = [await f.newProvider(), await f.newProvider(), await f.newProvider()];
    const rent = (token: string, rig: Rig, hours: number) =>
      f.h.request("POST", "/api/v1/instances", {
        token,
        body: { gpuId: rig.gpuId, hours, image: "gpuc/busybox:test" },
      });

    // The reviewer's: a wallet holding 2 hours' GPUC reserved every GPU, since nothing was locked before payment.
    const { wallet: poor, token: poorToken } = await f.h.signIn();
    await f.pc.fund(poor.address, { nanoErgs: 1_000_000_000n, gpuc: 2n * PRICE });
    await f.indexer.syncOnce();
    ok(await rent(poorToken, rigs[0]!, 2), createdInstanceSchema, 201);
    const short = problemOf(await rent(poorToken, rigs[1]!, 1), 402);
    expect(short).toMatchObject({ missing: String(PRICE) });

    // However rich, at most 2 rentals awaiting funding; stopping one frees a slot.
    const { wallet: rich, token: richToken } = await f.h.signIn();
    await f.pc.fund(rich.address, { nanoErgs: 1_000_000_000n, gpuc: 100n * PRICE });
    await f.indexer.syncOnce();
    const first = ok(await rent(richToken, rigs[1]!, 1), createdInstanceSchema, 201).instance;
    ok(await rent(richToken, rigs[2]!, 1), createdInstanceSchema, 201);
    const third = await f.newProvider();
    const capped = problemOf(await rent(richToken, third, 1), 409);
    expect(capped).toMatchObject({ pending: 2, limit: 2 });
    ok(await f.h.request("POST", `/api/v1/instances/${first.id}/stop`, { token: richToken }), instanceSchema);
    ok(await rent(richToken, third, 1), createdInstanceSchema, 201);
  });
});
