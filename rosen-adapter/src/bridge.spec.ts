import { buildOpenEscrowTx, escrowDeposit } from "@gpuc/offchain";
import { fundedKey, type TestKey } from "@gpuc/offchain/testing/protocol";
import {
  type BridgeSwap,
  type BridgeTokens,
  bridgeSwapSchema,
  bridgeTokensSchema,
  depositPage,
  depositSchema,
  MarketplaceClient,
  readServerSentEvents,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BridgeApp, startBridgeApp } from "./testing/bridge-app.ts";
import { type BridgeWorld, startBridgeWorld } from "./testing/bridge-world.ts";

const USDT = 10_000n;

let world: BridgeWorld;
let app: BridgeApp;
let alice: TestKey;

beforeAll(async () => {
  world = await startBridgeWorld();
  await world.proposeWhitelist();
  app = await startBridgeApp(world, { confirmations: 3 });
  alice = await fundedKey(world.chain, 10_000_000_000n);
  await app.indexer.syncOnce();
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await world?.stop();
});

const deposits = async (address: string) =>
  depositPage.parse(await (await app.call("GET", "/api/v1/bridge/deposits", address)).json());
const signAndSend = async (key: TestKey, tx: unknown) =>
  world.chain.client.submit(
    await key.signer.sign(tx as Parameters<TestKey["signer"]["sign"]>[0], world.chain.client),
  );

describe("Bridged deposits (devnet, PostgreSQL, the indexer)", () => {
  it("Should record a guard's rsUSDT payment to Alice's P2PK address, and announce it once confirmed", async () => {
    const stream = await fetch(`${app.url}/api/v1/bridge/deposits/stream`, {
      headers: { "x-test-address": alice.address },
    });
    const events = readServerSentEvents(stream.body!);
    const txId = await world.guardPay(alice.address, "rsUSDT", 50n * USDT);
    await app.indexer.syncOnce();
    const [seen] = (await deposits(alice.address)).items;
    expect(seen).toMatchObject({
      txId,
      tokenName: "rsUSDT",
      amountUnits: "500000",
      amount: "50",
      confirmations: 1,
      confirmed: false,
    });
    await app.settle(2);
    const { value } = await events.next();
    expect(value).toMatchObject({ event: "deposit", id: `${txId}:${seen!.tokenId}` });
    expect(depositSchema.parse(JSON.parse(value!.data))).toMatchObject({
      txId,
      confirmed: true,
      confirmations: 3,
    });
    expect((await deposits(alice.address)).items[0]).toMatchObject({ confirmed: true });
    await events.return(undefined);
    // A stream reconnecting with the first deposit's id as Last-Event-ID gets the one confirmed since.
    const earlier = await world.guardPay(alice.address, "rsUSDT", USDT);
    await app.settle(3);
    const resumed = await fetch(`${app.url}/api/v1/bridge/deposits/stream`, {
      headers: { "x-test-address": alice.address, "last-event-id": value!.id },
    });
    const replay = readServerSentEvents(resumed.body!);
    expect(JSON.parse((await replay.next()).value!.data)).toMatchObject({ txId: earlier, amount: "1" });
    await replay.return(undefined);
  });

  it("Should undo a deposit whose block is rolled back, and record it again when a reorg re-mines it", async () => {
    const bob = await fundedKey(world.chain, 1_000_000_000n);
    await world.guardPay(bob.address, "rsUSDT", 7n * USDT);
    await app.indexer.syncOnce();
    expect((await deposits(bob.address)).total).toBe(1);
    const before = (await deposits(bob.address)).items[0]!.inclusionHeight;
    await world.chain.devnet.reorg(1);
    await app.indexer.syncOnce();
    const again = (await deposits(bob.address)).items;
    expect(again).toHaveLength(1);
    expect(again[0]!.inclusionHeight).toBe(before + 1);
    // The payment's block is undone for good; the indexer sees the fork at the next block's parent.
    await world.chain.devnet.rollback(1, { dropTransactions: true });
    await app.settle(2);
    expect((await deposits(bob.address)).total).toBe(0);
  });

  it("Should not count a wallet's own change as a deposit", async () => {
    const carol = await fundedKey(world.chain, 1_000_000_000n);
    await world.guardPay(carol.address, "rsUSDT", 3n * USDT);
    await app.indexer.syncOnce();
    // Carol pays 1 rsUSDT to herself and another: her change box holds 2 rsUSDT, which is no new deposit.
    const dave = await fundedKey(world.chain, 1_000_000_000n);
    const tokenId = world.registry.resolve("rsUSDT").tokenId;
    const { OutputBuilder, TransactionBuilder, SAFE_MIN_BOX_VALUE } = await import("@fleet-sdk/core");
    const tx = new TransactionBuilder(await world.chain.client.height())
      .from(await world.chain.client.unspentByAddress(carol.address))
      .to(new OutputBuilder(SAFE_MIN_BOX_VALUE, dave.address).addTokens({ tokenId, amount: USDT }))
      .sendChangeTo(carol.address)
      .payMinFee()
      .build()
      .toEIP12Object();
    await world.send(carol, tx);
    await app.indexer.syncOnce();
    expect((await deposits(carol.address)).total).toBe(1);
    expect((await deposits(dave.address)).items[0]).toMatchObject({ amountUnits: "10000" });
  });
});

describe("The sdk's MarketplaceClient over the bridge routes", () => {
  it("Should read the tokens and deposits, and follow the deposit stream until a deposit confirms", async () => {
    // The test app takes the bearer credential as the wallet's address (the marketplace's would be a session).
    const frank = await fundedKey(world.chain, 1_000_000_000n);
    const market = new MarketplaceClient({ baseUrl: app.url }).withAuth(frank.address);
    expect((await market.bridgeTokens()).tokens.some((token) => token.name === "rsUSDT")).toBe(true);
    const controller = new AbortController();
    const stream = market.bridgeDepositStream({ signal: controller.signal });
    const first = stream.next();
    // The stream is open (its listener registered) before the payment confirms.
    while (app.bridge.listeners() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const txId = await world.guardPay(frank.address, "rsUSDT", 2n * USDT);
    await app.indexer.syncOnce();
    expect((await market.bridgeDeposits()).items).toMatchObject([{ txId, amount: "2", confirmed: false }]);
    await app.settle(2);
    expect((await first).value).toMatchObject({ txId, tokenName: "rsUSDT", confirmed: true });
    controller.abort();
  });
});

describe("Swap a bridged stable into GPUC and rent with it (devnet)", () => {
  let tokens: BridgeTokens;
  beforeAll(async () => {
    tokens = bridgeTokensSchema.parse(await (await app.call("GET", "/api/v1/bridge/tokens")).json());
  });

  it("Should list the map's tokens with their swap eligibility, and why not", () => {
    const byName = Object.fromEntries(tokens.tokens.map((token) => [token.name, token]));
    // $1 buys 2 GPUC: 200 GPUC units per rsUSDT unit (4 decimals), 20,000 per SigUSD cent.
    expect(byName.rsUSDT).toMatchObject({
      swappable: true,
      rate: "200",
      originChain: "ethereum",
      usdPegged: true,
    });
    expect(byName.SigUSD).toMatchObject({ swappable: true, rate: "20000", originChain: "ergo" });
    expect(byName.rsETH).toMatchObject({ swappable: false, usdPegged: false });
    expect(byName.rsETH!.reason).toContain("not a USD-pegged stable");
    expect(tokens.lockAddress).toBe(world.rosen.lock.address);
  });

  it("Should swap Alice's deposit into GPUC at the whitelisted rate, and she rents with it", async () => {
    const response = await app.call("POST", "/api/v1/bridge/swaps", alice.address, {
      token: "rsUSDT",
      amount: "50",
    });
    expect(response.status).toBe(200);
    const swap: BridgeSwap = bridgeSwapSchema.parse(await response.json());
    // 50 USDT × 2 GPUC per USDT, less the 0.3 % swap fee.
    expect(swap).toMatchObject({ gpucUnits: "99700000", gpuc: "99.7 GPUC", rate: "200" });
    await signAndSend(alice, swap.unsignedTx);
    await app.settle();
    const gpucTokenId = world.lets.deployment.gpucTokenId;
    expect(await world.held(alice.address, gpucTokenId)).toBe(99_700_000n);
    const rental = {
      deployment: world.lets.deployment,
      consumer: alice.address,
      provider: (await fundedKey(world.chain, 1_000_000_000n)).address,
      pricePerHour: 10_000_000n,
      prepaidHours: 2,
      startHeight: await world.chain.client.height(),
      rentalId: "b1",
    };
    const inputs = await world.chain.client.unspentByAddress(alice.address);
    const open = buildOpenEscrowTx({
      ...rental,
      height: rental.startHeight,
      inputs,
      changeAddress: alice.address,
    });
    await world.send(alice, open);
    const [escrow] = await world.chain.client.unspentByErgoTree(
      world.lets.deployment.contracts.rentalEscrow.ergoTree,
    );
    expect(escrow!.assets).toContainEqual({ tokenId: gpucTokenId, amount: String(escrowDeposit(rental)) });
    expect(await world.held(alice.address, gpucTokenId)).toBe(79_700_000n);
  });

  it("Should refuse swapping a token that is not a stable, as problem+json with the reason", async () => {
    const response = await app.call("POST", "/api/v1/bridge/swaps", alice.address, {
      token: "rsETH",
      amount: "1",
    });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "urn:gpuc:problem:not-swappable" });
  });

  it("Should refuse a checksummed EVM address on the withdrawal route, as problem+json", async () => {
    const body = {
      gpuc: "20",
      token: "rsUSDT",
      toChain: "ethereum",
      toAddress: "0x52908400098527886E0F7030069857D2E4169EE7",
    };
    const response = await app.call("POST", "/api/v1/bridge/withdrawals/quote", alice.address, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ type: "urn:gpuc:problem:checksummed-evm-address" });
  });
});
