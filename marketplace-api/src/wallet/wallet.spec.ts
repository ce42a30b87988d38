import { buildSwapOut, type ChainClient, Signer } from "@gpuc/offchain";
import {
  creditAccountSchema,
  creditTxSchema,
  submittedTxSchema,
  swapTokensSchema,
  swapTxSchema,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Followups, GPUC, startFollowups } from "../testing/followups.ts";
import { ok, problemOf } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

const ERG = 1_000_000_000n;

// The wallet page's transactions: built by the marketplace, signed here with the wallet's key as Nautilus would,
// submitted through the API and validated by the devnet. Price 1 GPUC = 1 ERG, collateral ratio 150 %, liquidation 120 %.
describe("Wallet transactions for credit and the Bank swap", () => {
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

  const post = (path: string, body: unknown) => f.h.request("POST", path, { token, body });
  const signer = () => Signer.fromSecretHex(wallet.secretHex, "testnet");
  /** Signs as the wallet, submits through POST /api/v1/transactions, mines and indexes. */
  async function signAndSubmit(unsignedTx: Record<string, unknown>): Promise<string> {
    const signedTx = await signer().sign(unsignedTx as never, f.pc.chain.client as ChainClient);
    const { txId } = ok(await post("/api/v1/transactions", { signedTx }), submittedTxSchema);
    await f.mineAndIndex();
    return txId;
  }
  const account = async () =>
    ok(await f.h.request("GET", "/api/v1/wallet/credit", { token }), creditAccountSchema);

  it("Should answer 404 saying how to open an account, then open one with the preview the chain confirms", async () => {
    expect(problemOf(await f.h.request("GET", "/api/v1/wallet/credit", { token }), 404).detail).toMatch(
      /has no credit account; open one with POST \/api\/v1\/wallet\/credit\/open/,
    );
    const open = ok(await post("/api/v1/wallet/credit/open", { amount: String(30n * ERG) }), creditTxSchema);
    expect(open.preview).toMatchObject({
      collateral: String(30n * ERG),
      debt: "0",
      ratioPct: null,
      liquidationPrice: null,
      maxDrawable: String(20n * GPUC),
      withdrawable: String(30n * ERG),
    });
    const signedTx = await signer().sign(open.unsignedTx as never, f.pc.chain.client as ChainClient);
    const { txId } = ok(await post("/api/v1/transactions", { signedTx }), submittedTxSchema);
    expect(txId).toBe(signedTx.id);
    // A retry (the answer was lost): the node already has it, so it is the same success, in the mempool and mined.
    expect(ok(await post("/api/v1/transactions", { signedTx }), submittedTxSchema).txId).toBe(txId);
    await f.mineAndIndex();
    expect(ok(await post("/api/v1/transactions", { signedTx }), submittedTxSchema).txId).toBe(txId);
    expect(await account()).toMatchObject({
      address: wallet.address,
      collateral: String(30n * ERG),
      debt: "0",
      price: String(ERG),
      collateralRatioPct: 150,
      liquidationRatioPct: 120,
    });
    expect(
      problemOf(await post("/api/v1/wallet/credit/open", { amount: String(ERG) }), 409).detail,
    ).toContain("already has credit account");
  });

  it("Should draw, add and withdraw collateral and repay, each preview matching the account on chain after it", async () => {
    const before = await f.pc.gpucOf(wallet.address);
    const draw = ok(await post("/api/v1/wallet/credit/draw", { amount: String(10n * GPUC) }), creditTxSchema);
    // 30 ERG against 10 GPUC: 300 %; liquidatable above 30e9 × 10^8 / (10^7 × 120) nanoERG per GPUC.
    expect(draw.preview).toMatchObject({
      debt: String(10n * GPUC),
      ratioPct: "300",
      liquidationPrice: "2500000000",
      maxDrawable: String(10n * GPUC),
      withdrawable: String(15n * ERG),
      liquidatable: false,
    });
    await signAndSubmit(draw.unsignedTx);
    expect(await account()).toMatchObject(draw.preview);
    expect((await f.pc.gpucOf(wallet.address)) - before).toBe(10n * GPUC);

    for (const [action, amount] of [
      ["collateral/add", 5n * ERG],
      ["collateral/withdraw", 2n * ERG],
      ["repay", 4n * GPUC],
    ] as const) {
      const tx = ok(
        await post(`/api/v1/wallet/credit/${action}`, { amount: String(amount) }),
        creditTxSchema,
      );
      await signAndSubmit(tx.unsignedTx);
      expect(await account(), action).toMatchObject(tx.preview);
    }
    expect(await account()).toMatchObject({ collateral: String(33n * ERG), debt: String(6n * GPUC) });
  });

  it("Should refuse with 422 what the builders refuse, their message in GPUC and ERG", async () => {
    const tooMuch = problemOf(await post("/api/v1/wallet/credit/draw", { amount: String(100n * GPUC) }), 422);
    expect(tooMuch.detail).toMatch(
      /A debt of 106 GPUC needs at least 159 ERG of collateral.*would hold 33 ERG/,
    );
    expect(tooMuch).toMatchObject({
      refusal: "UndercollateralizedError",
      requiredCollateral: String(159n * ERG),
    });
    const repay = problemOf(await post("/api/v1/wallet/credit/repay", { amount: String(7n * GPUC) }), 422);
    expect(repay.detail).toMatch(/The account owes 6 GPUC; repay at most that much \(asked 7 GPUC\)/);
    expect(problemOf(await post("/api/v1/wallet/credit/draw", { amount: "0" }), 400).detail).toBeTruthy();
  });

  it("Should list the whitelisted tokens and swap one into GPUC through the Bank", async () => {
    const { tokens, feeBps } = ok(await f.h.request("GET", "/api/v1/wallet/swap"), swapTokensSchema);
    expect(feeBps).toBe(0);
    const [stable] = tokens;
    expect(stable).toMatchObject({ rate: "10000" });
    // Get some of the stable token as anyone would: swap 2 GPUC out of the Bank (offchain's builder, signed here).
    const client = f.pc.chain.client;
    const byToken = async (tokenId: string) => (await client.unspentByTokenId(tokenId))[0]!;
    const out = buildSwapOut(
      {
        deployment: f.pc.deployment,
        configBox: await byToken(f.pc.deployment.configNftId),
        bankBox: await byToken(f.pc.deployment.bankNftId),
        tokenId: stable!.tokenId,
        amount: 2n * GPUC,
      },
      {
        inputs: await client.unspentByAddress(wallet.address),
        changeAddress: wallet.address,
        height: await client.height(),
      },
    );
    await signAndSubmit(out);
    const before = await f.pc.gpucOf(wallet.address);

    const swap = ok(
      await post("/api/v1/wallet/swap", { tokenId: stable!.tokenId, amount: "150" }),
      swapTxSchema,
    );
    expect(swap.preview).toEqual({ tokenId: stable!.tokenId, paid: "150", gpuc: String((15n * GPUC) / 10n) });
    await signAndSubmit(swap.unsignedTx);
    expect((await f.pc.gpucOf(wallet.address)) - before).toBe((15n * GPUC) / 10n);

    const unknown = problemOf(
      await post("/api/v1/wallet/swap", { tokenId: "ab".repeat(32), amount: "1" }),
      422,
    );
    expect(unknown.refusal).toBe("TokenNotWhitelistedError");
  });

  it("Should answer a transaction the node refuses with 422 and the node's reason", async () => {
    const tx = ok(
      await post("/api/v1/wallet/credit/collateral/add", { amount: String(ERG) }),
      creditTxSchema,
    );
    const signedTx = await signer().sign(tx.unsignedTx as never, f.pc.chain.client as ChainClient);
    const forged = {
      ...signedTx,
      inputs: signedTx.inputs.map((input) => ({
        ...input,
        spendingProof: { ...input.spendingProof, proofBytes: "00".repeat(56) },
      })),
    };
    const refused = problemOf(await post("/api/v1/transactions", { signedTx: forged }), 422);
    expect(refused.detail).toMatch(/^The node rejected the wallet transaction: /);
    expect(refused.reason).toBeTruthy();
  });
});
