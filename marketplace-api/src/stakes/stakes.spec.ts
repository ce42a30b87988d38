import { type ChainClient, Signer } from "@gpuc/offchain";
import {
  earningsSchema,
  executorStatusSchema,
  ownStakeSchema,
  providerSchema,
  stakeStateSchema,
  stakeTxSchema,
  submittedTxSchema,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleListing } from "../testing/fixtures.ts";
import { type Followups, PRICE, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

const ERG = 1_000_000_000n;

// The provider dashboard's stake actions, signed with the provider's key as Nautilus would and validated by the
// devnet (1 ERG minimum per GPU, 4 unbonding blocks); its earnings from a real claim.
describe("Provider stake, earnings and executor status", () => {
  let f: Followups;
  let wallet: TestWallet;
  let token: string;
  beforeAll(async () => {
    f = await startFollowups();
    wallet = new TestWallet();
    await f.pc.fund(wallet.address, { nanoErgs: 100n * ERG });
    await f.mineAndIndex();
    token = (await f.h.signIn(wallet)).token;
  });
  afterAll(() => f?.close());

  const post = (path: string, body?: unknown) => f.h.request("POST", path, { token, body });
  /** Signs as the provider, submits through POST /api/v1/transactions, mines and indexes; the signed tx. */
  async function signAndSubmit(unsignedTx: Record<string, unknown>) {
    const signer = Signer.fromSecretHex(wallet.secretHex, "testnet");
    const signedTx = await signer.sign(unsignedTx as never, f.pc.chain.client as ChainClient);
    ok(await post("/api/v1/transactions", { signedTx }), submittedTxSchema);
    await f.mineAndIndex();
    return signedTx;
  }
  const stakeOf = async (providerId: string) =>
    ok(await f.h.request("GET", `/api/v1/providers/${providerId}/stake`), stakeStateSchema);

  it("Should create a stake behind the listing, list it, top it up, unbond and withdraw it, each on chain", async () => {
    const listing = sampleListing();
    const create = ok(
      await post("/api/v1/wallet/stake/create", { amount: String(10n * ERG), listing }),
      stakeTxSchema,
    );
    expect(create.preview).toMatchObject({ stake: String(10n * ERG), bonded: true, unbondingStart: null });
    expect(problemOf(await f.h.request("GET", "/api/v1/wallet/stake", { token }), 404).detail).toMatch(
      /has no Provider Stake box; create one/,
    );
    const signed = await signAndSubmit(create.unsignedTx);
    const stakeBoxId = signed.outputs[0]!.boxId;
    expect(ok(await f.h.request("GET", "/api/v1/wallet/stake", { token }), ownStakeSchema)).toMatchObject({
      stakeBoxId,
      stake: String(10n * ERG),
      bonded: true,
      listingHash: create.preview.listingHash,
      minStakePerGpu: String(ERG),
      confirmed: true,
    });
    const provider = ok(
      await post("/api/v1/providers", { name: "page rig", stakeBoxId, listing }),
      providerSchema,
      201,
    );
    expect(await stakeOf(provider.id)).toMatchObject({
      stakeBoxId,
      stake: String(10n * ERG),
      bonded: true,
      listingHash: create.preview.listingHash,
      listingMatches: true,
      gpus: 2,
      minStakePerGpu: String(ERG),
      requiredStake: String(2n * ERG),
      unbondingBlocks: 4,
    });
    expect(
      problemOf(await post("/api/v1/wallet/stake/create", { amount: "1", listing }), 409).detail,
    ).toContain("already has stake box");

    const topUp = ok(await post("/api/v1/wallet/stake/top-up", { amount: String(5n * ERG) }), stakeTxSchema);
    expect(topUp.preview.stake).toBe(String(15n * ERG));
    await signAndSubmit(topUp.unsignedTx);
    expect(await stakeOf(provider.id)).toMatchObject({ stake: String(15n * ERG), bonded: true });

    const early = problemOf(await post("/api/v1/wallet/stake/withdraw"), 422);
    expect(early.refusal).toBeTruthy();
    const unbond = ok(await post("/api/v1/wallet/stake/unbond"), stakeTxSchema);
    await signAndSubmit(unbond.unsignedTx);
    const unbonding = await stakeOf(provider.id);
    expect(unbonding).toMatchObject({ bonded: false, unbondingStart: unbond.preview.unbondingStart });
    expect(unbonding.withdrawableAt).toBe(unbonding.unbondingStart! + 4);
    expect(problemOf(await post("/api/v1/wallet/stake/withdraw"), 422).detail).toMatch(
      new RegExp(`can be withdrawn from height ${unbonding.withdrawableAt}; .* Wait \\d+ more blocks`),
    );

    await f.mineAndIndex(4);
    const before = (await f.pc.chain.client.unspentByAddress(wallet.address)).reduce(
      (sum, box) => sum + BigInt(box.value),
      0n,
    );
    const withdraw = ok(await post("/api/v1/wallet/stake/withdraw"), stakeTxSchema);
    expect(withdraw.preview).toMatchObject({ stake: "0", bonded: false });
    await signAndSubmit(withdraw.unsignedTx);
    const after = (await f.pc.chain.client.unspentByAddress(wallet.address)).reduce(
      (sum, box) => sum + BigInt(box.value),
      0n,
    );
    expect(after - before).toBeGreaterThan(14n * ERG);
    expect(problemOf(await post("/api/v1/wallet/stake/unbond"), 404).detail).toMatch(
      /has no Provider Stake box/,
    );
  });

  it("Should show a provider its claims as earnings, per day and per payout, and nobody else", async () => {
    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 3);
    await f.claimOneHour(rig, funded.escrowBoxId!);
    const earnings = ok(
      await f.h.request("GET", `/api/v1/providers/${rig.provider.id}/earnings`, { token: rig.token }),
      earningsSchema,
    );
    const net = String((PRICE * 98n) / 100n);
    expect(earnings.payouts).toEqual([
      expect.objectContaining({
        kind: "claim",
        instanceId: funded.id,
        escrowBoxId: funded.escrowBoxId,
        gpuc: net,
      }),
    ]);
    expect(earnings.payouts[0]!.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(earnings).toMatchObject({ total: net, days: [{ gpuc: net, payouts: 1 }] });
    expect(earnings.days[0]!.day).toBe(earnings.payouts[0]!.at.slice(0, 10));
    const stranger = await f.h.request("GET", `/api/v1/providers/${rig.provider.id}/earnings`, { token });
    expect(problemOf(stranger, 404).detail).toContain(rig.provider.id);
  });

  it("Should show the executor's status from its heartbeats", async () => {
    const rig = await f.newProvider();
    await rig.heartbeat();
    const status = ok(
      await f.h.request("GET", `/api/v1/providers/${rig.provider.id}/executor`),
      executorStatusSchema,
    );
    expect(status).toMatchObject({ providerId: rig.provider.id, online: true, heartbeatIntervalS: 60 });
    expect(status.lastHeartbeatAt).not.toBeNull();
    expect(status.uptime).toEqual([
      { day: status.lastHeartbeatAt!.slice(0, 10), intervals: 1, expected: 1, uptime: 1 },
    ]);
  });
});
