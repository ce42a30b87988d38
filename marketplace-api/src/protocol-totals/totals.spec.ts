import { buildDraw, buildOpenCreditAccount, GPUC_SUPPLY } from "@gpuc/offchain";
import { protocolTotalsSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Followups, GPUC, PRICE, startFollowups } from "../testing/followups.ts";
import { ok } from "../testing/harness.ts";

// The deployment swapped 1,000,000 cents of TestUSD into the Bank (10,000 GPUC, no swap fee) and hands GPUC out.
describe("Protocol totals for auditors", () => {
  let f: Followups;
  beforeAll(async () => {
    f = await startFollowups();
  });
  afterAll(() => f?.close());

  const totals = async () => ok(await f.h.request("GET", "/api/v1/protocol/totals"), protocolTotalsSchema);

  it("Should account for the swapped-in GPUC and hold the LETS invariant after deployment", async () => {
    expect(await totals()).toMatchObject({
      gpucSupply: GPUC_SUPPLY.toString(),
      indexedGpuc: GPUC_SUPPLY.toString(),
      outsideBank: String(10_000n * GPUC),
      swapIssued: String(10_000n * GPUC),
      debts: "0",
      unexplained: "0",
      invariant: { holds: true, conserved: true, backed: true },
      openDisputes: 0,
    });
  });

  it("Should count a draw as debt, escrows, claims and fees per day, disputes, and keep the invariant", async () => {
    const client = f.pc.chain.client;
    const wallet = async () => ({
      inputs: await client.unspentByAddress(f.consumer.address),
      changeAddress: f.consumer.address,
      height: await client.height(),
    });
    const open = buildOpenCreditAccount(
      { deployment: f.pc.deployment, owner: f.consumer.address, collateral: 5_000_000_000n },
      await wallet(),
    );
    await f.pc.send(open, f.consumer);
    const [account] = await client.unspentByErgoTree(f.pc.deployment.contracts.creditAccount.ergoTree);
    const byToken = async (tokenId: string) => (await client.unspentByTokenId(tokenId))[0]!;
    const draw = buildDraw(
      {
        deployment: f.pc.deployment,
        configBox: await byToken(f.pc.deployment.configNftId),
        bankBox: await byToken(f.pc.deployment.bankNftId),
        account: account!,
        amount: 3n * GPUC,
      },
      await wallet(),
    );
    await f.pc.send(draw, f.consumer);
    await f.mineAndIndex();

    const rig = await f.newProvider();
    const funded = await f.rentAndFund(rig, 3);
    await f.claimOneHour(rig, funded.escrowBoxId!);
    await f.h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
      token: f.consumerToken,
      body: { reason: "it stopped answering" },
    });

    const now = await totals();
    expect(now).toMatchObject({
      outsideBank: String(10_003n * GPUC),
      debts: String(3n * GPUC),
      swapIssued: String(10_000n * GPUC),
      accounts: 1,
      escrows: 1,
      escrowedGpuc: String(2n * PRICE),
      invariant: { holds: true, conserved: true, backed: true },
      openDisputes: 1,
    });
    expect(now.days).toEqual([
      {
        day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        claims: 1,
        closes: 0,
        providerGpuc: String((PRICE * 98n) / 100n),
        fees: String((PRICE * 2n) / 100n),
      },
    ]);
  });

  it("Should show the invariant broken when GPUC appears that no debt or swap explains", async () => {
    // Tamper with the index as a lost or forged Bank transition would look: GPUC gone from the Bank.
    await f.h.db.query("UPDATE chain_boxes SET gpuc = gpuc - 5 WHERE kind = 'bank' AND spent_tx_id IS NULL");
    try {
      expect((await totals()).invariant).toEqual({ holds: false, conserved: false, backed: false });
    } finally {
      await f.h.db.query(
        "UPDATE chain_boxes SET gpuc = gpuc + 5 WHERE kind = 'bank' AND spent_tx_id IS NULL",
      );
    }
    expect((await totals()).invariant.holds).toBe(true);
  });
});
