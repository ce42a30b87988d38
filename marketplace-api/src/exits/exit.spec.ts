import { exitTxSchema, instanceSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Followups, PRICE, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";

// Consumer exit through the API, signed by the consumer's key and validated by the devnet.
describe("Consumer exit on a deployed protocol", () => {
  let f: Followups;
  beforeAll(async () => {
    f = await startFollowups();
  });
  afterAll(() => f?.close());

  const exit = (id: string, token = f.consumerToken) =>
    f.h.request("POST", `/api/v1/instances/${id}/exit`, { token });
  const submit = (id: string, signedTx: unknown) =>
    f.h.request("POST", `/api/v1/instances/${id}/exit/funding`, {
      token: f.consumerToken,
      body: { signedTx },
    });

  it("Should build the exit (the started hour to the provider, the rest back), submit it, stop the rental and settle it on chain", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 3);
    ok(await f.report(rig, funded.id, { state: "Starting" }), instanceSchema);
    ok(await f.report(rig, funded.id, { state: "Running" }), instanceSchema);
    const before = await f.pc.gpucOf(f.consumer.address);

    const built = ok(await exit(funded.id), exitTxSchema);
    // Within the first (2-block) hour: that started hour is owed, 2 of the 3 prepaid come back; 2% fee.
    expect(built).toMatchObject({
      providerShare: PRICE.toString(),
      refund: (2n * PRICE).toString(),
      fee: ((PRICE * 2n) / 100n).toString(),
    });
    const signed = await f.sign(built.unsignedTx);
    const stopped = ok(await submit(funded.id, signed), instanceSchema);
    expect(stopped).toMatchObject({
      state: "Stopping",
      closeReason: "user_stopped",
      settlementTxId: signed.id,
    });
    expect(stopped.closeDetail).toContain(signed.id);
    // The same signed exit again is a no-op answer, not a second submission.
    expect(ok(await submit(funded.id, signed), instanceSchema).settlementTxId).toBe(signed.id);

    await f.mineAndIndex();
    expect(await f.pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeUndefined();
    expect((await f.pc.gpucOf(f.consumer.address)) - before).toBe(2n * PRICE);
    expect(await f.pc.gpucOf(rig.wallet.address)).toBe((PRICE * 98n) / 100n);
    expect((await f.get(funded.id)).settlementTxId).toBe(signed.id);

    // Settled now: a second exit is refused, saying by which transaction.
    expect(problemOf(await exit(funded.id), 409).detail).toContain(signed.id);
  });

  it("Should stop the rental when the exit reached the chain without the marketplace recording it (a crash after submitting)", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    const signed = await f.sign(ok(await exit(funded.id), exitTxSchema).unsignedTx);
    // Sent straight to the node, as if the marketplace died right after submitting; the indexer records it.
    await f.pc.chain.client.submit(signed);
    await f.mineAndIndex();
    expect(await f.get(funded.id)).toMatchObject({ state: "Funded", settlementTxId: signed.id });
    // The wallet's retry: nothing is sent again, and the rental stops.
    expect(ok(await submit(funded.id, signed), instanceSchema)).toMatchObject({
      state: "Stopping",
      closeReason: "user_stopped",
      settlementTxId: signed.id,
    });
  });

  it("Should refuse with 409 an instance with no escrow yet, saying to stop it instead", async () => {
    const rig = await f.newProvider();
    const created = await f.create(rig, 1);
    const problem = problemOf(await exit(created.instance.id), 409);
    expect(problem.detail).toMatch(/Created: no escrow is on chain yet.*stop it instead/);
    await f.h.request("POST", `/api/v1/instances/${created.instance.id}/stop`, { token: f.consumerToken });
  });

  it("Should refuse a disputed instance (the arbiter settles it) and another consumer's (404)", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 2);
    const other = await f.h.signIn();
    expect(problemOf(await exit(funded.id, other.token), 404).detail).toContain(funded.id);
    await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
      token: f.consumerToken,
      body: { reason: "the GPU never showed up" },
    });
    expect(problemOf(await exit(funded.id), 409).detail).toMatch(/Disputed: the arbiter settles its escrow/);
  });

  it("Should refuse with 422 a signed transaction that does not spend the rental's escrow, the node's refusal of a bad signature, and a second exit once one is mined", async () => {
    const rig = await f.newProvider();
    const a = await f.rentAndFund(rig, 2);
    const rigB = await f.newProvider();
    const b = await f.rentAndFund(rigB, 2);
    const exitOfB = await f.sign(ok(await exit(b.id), exitTxSchema).unsignedTx);
    expect(problemOf(await submit(a.id, exitOfB), 422).detail).toContain(
      `does not spend the escrow box ${a.escrowBoxId}`,
    );

    // A signature the escrow's script does not accept: the node's refusal, with its reason.
    const forged = {
      ...exitOfB,
      inputs: exitOfB.inputs.map((input) =>
        input.boxId === b.escrowBoxId
          ? { ...input, spendingProof: { ...input.spendingProof, proofBytes: "00".repeat(56) } }
          : input,
      ),
    };
    expect(problemOf(await submit(b.id, forged), 422).detail).toMatch(
      /^The node rejected the consumer exit transaction: /,
    );

    // Two exits of A signed at different heights: once the first is mined, the second is refused as settled.
    const first = await f.sign(ok(await exit(a.id), exitTxSchema).unsignedTx);
    await f.mineAndIndex();
    const second = await f.sign(ok(await exit(a.id), exitTxSchema).unsignedTx);
    expect(second.id).not.toBe(first.id);
    ok(await submit(a.id, first), instanceSchema);
    await f.mineAndIndex();
    expect(problemOf(await submit(a.id, second), 409).detail).toContain(first.id);
  });
});
