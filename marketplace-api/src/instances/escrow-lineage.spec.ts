import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import {
  BONDED,
  buildCreateStakeTx,
  buildUpdateStakeTx,
  parseEscrowBox,
  sigmaPropRegister,
  stakeRegisters,
} from "@gpuc/offchain";
import {
  createdInstanceSchema,
  credentialSchema,
  heartbeatResponse,
  instanceSchema,
  listingHash,
  providerSchema,
} from "@gpuc/sdk";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleListing } from "../testing/fixtures.ts";
import { type Followups, PRICE, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

// Top-ups, rollbacks and forged boxes: the marketplace follows exactly the escrow the chain holds.
describe("Rentals follow their escrow's lineage on a deployed protocol", () => {
  let f: Followups;
  beforeAll(async () => {
    f = await startFollowups();
  });
  afterAll(async () => {
    await f?.close();
  });

  it("Should top up an escrow: more prepaid hours, a later credential expiry, and the executor's endpoint", async () => {
    const rig = await f.newProvider();
    ok(await rig.heartbeat({ endpoint: "https://rig-7.example.net:8443" }), heartbeatResponse);
    ok(await rig.heartbeat(), heartbeatResponse); // an old-style heartbeat keeps the endpoint
    problemOf(await rig.heartbeat({ endpoint: "ftp://rig-7.example.net" }), 400);
    const funded = await f.rentAndFund(rig, 1);
    expect(funded.executorUrl).toBe("https://rig-7.example.net:8443");

    const credential = async () =>
      decodeJwt(
        ok(
          await f.h.request("POST", `/api/v1/instances/${funded.id}/credentials`, {
            token: f.consumerToken,
            body: {},
          }),
          credentialSchema,
          201,
        ).token,
      );
    const first = await credential();

    problemOf(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: f.consumerToken,
        body: { hours: 10 },
      }),
      400,
    );
    const extend = ok(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: f.consumerToken,
        body: { hours: 2 },
      }),
      createdInstanceSchema,
    );
    const signed = await f.sign(extend.unsignedTx);
    const submitted = ok(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/extend/funding`, {
        token: f.consumerToken,
        body: { signedTx: signed },
      }),
      instanceSchema,
    );
    expect(submitted.hours).toBe(1);
    await f.mineAndIndex();

    const extended = await f.get(funded.id);
    expect(extended.hours).toBe(3);
    expect(extended.escrowBoxId).not.toBe(funded.escrowBoxId);
    expect(Date.parse(extended.expiresAt!) - Date.parse(funded.expiresAt!)).toBe(2 * 3600_000);
    const second = await credential();
    expect(second.exp! - first.exp!).toBe(2 * 3600);
    const escrow = await f.pc.chain.client.unspentBox(extended.escrowBoxId!);
    expect(BigInt(escrow!.assets[0]!.amount)).toBe(3n * PRICE);
  });

  it("Should return a funded rental to awaiting funding when its block is rolled back, and fund it again when re-mined", async () => {
    const rig = await f.newProvider();
    const created = await f.create(rig, 1);
    const signed = await f.sign(created.unsignedTx);
    const fund = () =>
      f.h.request("POST", `/api/v1/instances/${created.instance.id}/funding`, {
        token: f.consumerToken,
        body: { signedTx: signed },
      });
    ok(await fund(), instanceSchema);
    await f.mineAndIndex();
    const funded = await f.get(created.instance.id);
    expect(funded.state).toBe("Funded");

    await f.pc.chain.devnet.rollback(1, { dropTransactions: true });
    await f.mineAndIndex(2); // the index notices the fork once the chain is past its tip
    const unfunded = await f.get(created.instance.id);
    expect(unfunded).toMatchObject({ state: "Created", escrowBoxId: null, expiresAt: null });

    ok(await fund(), instanceSchema);
    await f.mineAndIndex();
    expect(await f.get(created.instance.id)).toMatchObject({
      state: "Funded",
      escrowBoxId: funded.escrowBoxId,
    });
    const events = await f.h.services.instancesRepo.events(created.instance.id);
    expect(events.map((event) => event.to_state)).toEqual(["Created", "Funded", "Created", "Funded"]);
  });

  it("Should rewind a top-up whose block is rolled back to the escrow still on chain", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 1);
    const extend = ok(
      await f.h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: f.consumerToken,
        body: { hours: 1 },
      }),
      createdInstanceSchema,
    );
    const signed = await f.sign(extend.unsignedTx);
    await f.h.request("POST", `/api/v1/instances/${funded.id}/extend/funding`, {
      token: f.consumerToken,
      body: { signedTx: signed },
    });
    await f.mineAndIndex();
    expect((await f.get(funded.id)).hours).toBe(2);

    await f.pc.chain.devnet.rollback(1, { dropTransactions: true });
    await f.mineAndIndex(2);
    expect(await f.get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
  });

  it("Should not follow a forged 'top-up': a box naming the escrow in R8 that no spend of the escrow created", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 1);
    const start = BigInt(funded.startHeight!);
    await f.forgeEscrows(funded.escrowBoxId!, [
      // The reviewer's: 1 GPUC unit for 10,000 prepaid hours from a start a million blocks away.
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n], parent: funded.escrowBoxId! },
      // Even a fully funded copy of the escrow's own terms is no recreation: the escrow was not spent by it.
      { gpuc: 2n * PRICE, terms: [PRICE, start, 2n, 0n], parent: funded.escrowBoxId! },
    ]);

    expect(await f.get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
    expect(await f.executorView(rig, funded.id)).toMatchObject({ hours: 1, escrowBoxId: funded.escrowBoxId });

    // A genuine top-up (it spends the escrow) is still followed.
    await f.topUp(funded.id, 1);
    await f.mineAndIndex();
    const extended = await f.get(funded.id);
    expect(extended.hours).toBe(2);
    const recreated = parseEscrowBox(
      (await f.pc.chain.client.unspentBox(extended.escrowBoxId!))!,
      f.pc.deployment,
    );
    expect(recreated.parentBoxId).toBe(funded.escrowBoxId);
  });

  it("Should rewind a rolled-back top-up along the escrow lineage, not to a forged box naming the rental", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 1);
    const start = BigInt(funded.startHeight!);
    // Forged boxes with the rental id in R7, newer than the opening escrow: one without R8, one naming it.
    await f.forgeEscrows(funded.escrowBoxId!, [
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n] },
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n], parent: funded.escrowBoxId! },
    ]);
    await f.topUp(funded.id, 1);
    await f.mineAndIndex();
    expect((await f.get(funded.id)).hours).toBe(2);

    await f.pc.chain.devnet.rollback(1, { dropTransactions: true });
    await f.mineAndIndex(2);
    expect(await f.get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
  });

  it("Should not fund an escrow whose billing clock starts in the future or long before its block", async () => {
    const rig = await f.newProvider();
    const created = await f.create(rig, 1);
    const id = created.instance.id;
    await f.mineAndIndex(Math.max(0, 25 - (await f.pc.chain.client.height()))); // room to backdate below
    const height = await f.pc.chain.client.height();

    // The reviewer's: the agreed terms, but startHeight a million blocks ahead (nothing would ever be claimable).
    await f.submitFunding(id, await f.openWithStart(rig, id, 1, height + 1_000_000));
    await f.mineAndIndex();
    expect(await f.get(id)).toMatchObject({ state: "Created", escrowBoxId: null });
    expect(await f.executorView(rig, id)).toBeUndefined();

    // Backdated beyond the slack (15 blocks): the provider could claim hours it never served.
    await f.submitFunding(id, await f.openWithStart(rig, id, 1, height - 20));
    await f.mineAndIndex();
    expect((await f.get(id)).state).toBe("Created");

    // The clock starting at the height it was built at funds it.
    await f.submitFunding(id, await f.openWithStart(rig, id, 1, await f.pc.chain.client.height()));
    await f.mineAndIndex();
    const funded = await f.get(id);
    expect(funded).toMatchObject({ state: "Funded", hours: 1 });

    // The two refused escrows were refunded by the arbiter; the one funding the rental was not touched.
    const refunds = await f.h.services.refundsRepo.forInstance(id);
    expect(refunds.map((refund) => refund.reason)).toEqual([
      expect.stringContaining("startHeight"),
      expect.stringContaining("startHeight"),
    ]);
    for (const refund of refunds) expect(await f.pc.chain.client.unspentBox(refund.box_id)).toBeUndefined();
    expect(await f.pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeDefined();
  });

  it("Should keep a provider listed when a stranger creates a dust stake box naming it, and follow its own stake updates", async () => {
    const { wallet, token } = await f.h.signIn();
    await f.pc.fund(wallet.address, { nanoErgs: 10_000_000_000n });
    const listing = sampleListing({ pricePerHour: String(PRICE), maxHours: 10 });
    const height = () => f.pc.chain.client.height();
    const stakeTxId = await f.pc.send(
      buildCreateStakeTx({
        deployment: f.pc.deployment,
        provider: wallet.address,
        amount: 3_000_000_000n, // 2 GPUs × 1 ERG needed
        listingHash: listingHash(listing),
        height: await height(),
        inputs: await f.pc.chain.client.unspentByAddress(wallet.address),
        changeAddress: wallet.address,
      }),
      wallet,
    );
    await f.indexer.syncOnce();
    const [stakeBox] = await f.h.services.index.createdBy(stakeTxId, "stake");
    const registered = ok(
      await f.h.request("POST", "/api/v1/providers", {
        token,
        body: { name: "victim", stakeBoxId: stakeBox!.boxId, listing },
      }),
      providerSchema,
      201,
    );
    expect(registered.listed).toBe(true);
    const provider = async () =>
      ok(await f.h.request("GET", `/api/v1/providers/${registered.id}`), providerSchema);

    // The reviewer's: a stranger's 0.001 ERG box at the stake script, R4 = the victim, bonded, another listing.
    const stranger = new TestWallet();
    await f.pc.fund(stranger.address, { nanoErgs: 1_000_000_000n });
    const dust = new TransactionBuilder(await height())
      .from(await f.pc.chain.client.unspentByAddress(stranger.address))
      .to(
        new OutputBuilder(
          1_000_000n,
          f.pc.deployment.contracts.providerStake.ergoTree,
        ).setAdditionalRegisters(stakeRegisters(sigmaPropRegister(wallet.address), "00".repeat(32), BONDED)),
      )
      .sendChangeTo(stranger.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    await f.pc.send(dust, stranger);
    await f.indexer.syncOnce();
    expect(await provider()).toMatchObject({
      listed: true,
      stakeBoxId: stakeBox!.boxId,
      stakeNanoErg: "3000000000",
    });

    // The provider's own top-up spends the stake: the recreated box is followed.
    await f.pc.send(
      buildUpdateStakeTx({
        deployment: f.pc.deployment,
        stakeBox: (await f.pc.chain.client.unspentBox(stakeBox!.boxId))!,
        provider: wallet.address,
        height: await height(),
        topUp: 1_000_000_000n,
        inputs: await f.pc.chain.client.unspentByAddress(wallet.address),
        changeAddress: wallet.address,
      }),
      wallet,
    );
    await f.indexer.syncOnce();
    const after = await provider();
    expect(after).toMatchObject({ listed: true, stakeNanoErg: "4000000000" });
    expect(after.stakeBoxId).not.toBe(stakeBox!.boxId);
  });
});
