import {
  estimateMinBoxValue,
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import {
  BONDED,
  buildClaimTx,
  buildCreateStakeTx,
  buildOpenEscrowTx,
  buildProviderCloseTx,
  buildUpdateStakeTx,
  type ChainClient,
  escrowRegisters,
  parseEscrowBox,
  Signer,
  sigmaPropRegister,
  stakeRegisters,
} from "@gpuc/offchain";
import { createLogger } from "@gpuc/platform";
import {
  canonicalJson,
  createdApiKeySchema,
  createdInstanceSchema,
  credentialSchema,
  executorInstanceSchema,
  heartbeatResponse,
  instanceSchema,
  listingHash,
  providerSchema,
} from "@gpuc/sdk";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ArbiterSettlement } from "../chain/arbiter-settlement.ts";
import { rentalIdOf, type Settlement } from "../chain/gateway.ts";
import { NodeRentalChain } from "../chain/node-rental-chain.ts";
import { createMarketplaceIndexer } from "../indexing.ts";
import { createServices } from "../services.ts";
import { registerProvider, sampleListing } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { type ProtocolChain, startProtocolChain } from "../testing/protocol.ts";
import { TestWallet } from "../testing/wallet.ts";

const GPUC = 1_000_000n;
const PRICE = 20n * GPUC;
const quiet = createLogger("marketplace-api", { level: "error" });

// A full deployment (deployProtocol: Config, Bank, real contracts) whose arbiter is the marketplace's key.
describe("Rental follow-ups on a deployed protocol", () => {
  let pc: ProtocolChain;
  let h: Harness;
  let indexer: ReturnType<typeof createMarketplaceIndexer>;
  let consumer: TestWallet;
  let consumerToken: string;
  let consumerSigner: Signer;
  let arbiterSettlement: ArbiterSettlement;

  type Rig = Awaited<ReturnType<typeof newProvider>>;

  /** A registered provider with ERG for claim fees, its offer online after a signed heartbeat. */
  async function newProvider() {
    const provider = await registerProvider(h, sampleListing({ pricePerHour: String(PRICE), maxHours: 10 }));
    await pc.fund(provider.wallet.address, { nanoErgs: 2_000_000_000n });
    const [gpu] = await h.db.query<{ id: string }>("SELECT id FROM gpus WHERE provider_id = $1", [
      provider.provider.id,
    ]);
    const heartbeat = async (extra: Record<string, unknown> = {}) => {
      h.clock.advance(1000);
      const body = { timestamp: h.clock.now().toISOString(), gpus: [], instances: [], ...extra };
      return h.request("POST", `/api/v1/providers/${provider.provider.id}/heartbeats`, {
        token: provider.apiKey,
        body: { ...body, signature: provider.wallet.sign(canonicalJson(body as never)) },
      });
    };
    ok(await heartbeat(), heartbeatResponse);
    return { ...provider, gpuId: gpu!.id, heartbeat };
  }

  async function create(rig: Rig, hours: number) {
    return ok(
      await h.request("POST", "/api/v1/instances", {
        token: consumerToken,
        body: { gpuId: rig.gpuId, hours, image: "gpuc/busybox:test" },
      }),
      createdInstanceSchema,
      201,
    );
  }

  async function sign(unsignedTx: Record<string, unknown>) {
    return consumerSigner.sign(unsignedTx as never, pc.chain.client as ChainClient);
  }

  /** Rents, signs, submits, mines and indexes: the instance is Funded. */
  async function rentAndFund(rig: Rig, hours: number) {
    const created = await create(rig, hours);
    const signed = await sign(created.unsignedTx);
    ok(
      await h.request("POST", `/api/v1/instances/${created.instance.id}/funding`, {
        token: consumerToken,
        body: { signedTx: signed },
      }),
      instanceSchema,
    );
    await mineAndIndex();
    const instance = await get(created.instance.id);
    expect(instance.state).toBe("Funded");
    return instance;
  }

  async function mineAndIndex(blocks = 1) {
    for (let i = 0; i < blocks; i++) await pc.chain.mine();
    await indexer.syncOnce();
  }

  async function get(id: string) {
    return ok(await h.request("GET", `/api/v1/instances/${id}`, { token: consumerToken }), instanceSchema);
  }

  /** Top-up of `hours`, signed and submitted through the API (not mined). */
  async function topUp(id: string, hours: number) {
    const extend = ok(
      await h.request("POST", `/api/v1/instances/${id}/extend`, { token: consumerToken, body: { hours } }),
      createdInstanceSchema,
    );
    const signed = await sign(extend.unsignedTx);
    ok(
      await h.request("POST", `/api/v1/instances/${id}/extend/funding`, {
        token: consumerToken,
        body: { signedTx: signed },
      }),
      instanceSchema,
    );
  }

  /**
   * The attack on the escrow lineage: a plain wallet transaction (spending no escrow) creating boxes at the escrow
   * script with the real escrow's parties and rental id (R4, R5, R7), the given terms (R6) and R8; mined, indexed.
   */
  async function forgeEscrows(
    real: string,
    forged: readonly { gpuc: bigint; terms: readonly bigint[]; parent?: string }[],
  ) {
    const escrow = parseEscrowBox((await pc.chain.client.unspentBox(real))!, pc.deployment);
    const builder = new TransactionBuilder(await pc.chain.client.height()).from(
      await pc.chain.client.unspentByAddress(consumer.address),
    );
    for (const box of forged) {
      const [pricePerHour, start, prepaid, paid] = box.terms as [bigint, bigint, bigint, bigint];
      builder.to(
        new OutputBuilder(estimateMinBoxValue(), pc.deployment.contracts.rentalEscrow.ergoTree)
          .addTokens({ tokenId: pc.deployment.gpucTokenId, amount: box.gpuc })
          .setAdditionalRegisters(
            escrowRegisters({
              consumerRegister: sigmaPropRegister(escrow.consumer),
              providerRegister: sigmaPropRegister(escrow.provider),
              terms: {
                pricePerHour,
                startHeight: Number(start),
                prepaidHours: Number(prepaid),
                paidHours: Number(paid),
              },
              rentalId: escrow.rentalId,
              parentBoxId: box.parent,
            }),
          ),
      );
    }
    const tx = builder
      .sendChangeTo(consumer.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    await pc.send(tx, consumer);
    await indexer.syncOnce();
  }

  /** The consumer's own opening transaction for a created rental: the agreed terms, but its own startHeight. */
  async function openWithStart(rig: Rig, id: string, hours: number, startHeight: number) {
    const unsigned = buildOpenEscrowTx({
      deployment: pc.deployment,
      consumer: consumer.address,
      provider: rig.wallet.address,
      pricePerHour: PRICE,
      prepaidHours: hours,
      startHeight,
      rentalId: rentalIdOf(id),
      inputs: await pc.chain.client.unspentByAddress(consumer.address),
      changeAddress: consumer.address,
      height: await pc.chain.client.height(),
    });
    return consumerSigner.sign(unsigned, pc.chain.client as ChainClient);
  }

  async function submitFunding(id: string, signedTx: unknown) {
    return ok(
      await h.request("POST", `/api/v1/instances/${id}/funding`, {
        token: consumerToken,
        body: { signedTx },
      }),
      instanceSchema,
    );
  }

  /** What the provider's executor is told to run. */
  async function executorView(rig: Rig, id: string) {
    const listed = ok(
      await h.request("GET", `/api/v1/providers/${rig.provider.id}/instances?state=Funded`, {
        token: rig.apiKey,
      }),
      z.object({ items: z.array(executorInstanceSchema) }),
    );
    return listed.items.find((item) => item.id === id);
  }

  /** The provider claims one elapsed hour (2 blocks) from the escrow; mined and indexed. */
  async function claimOneHour(rig: Rig, escrowBoxId: string) {
    await mineAndIndex();
    const claim = buildClaimTx({
      deployment: pc.deployment,
      configBox: (await pc.chain.client.unspentByTokenId(pc.deployment.configNftId))[0]!,
      height: await pc.chain.client.height(),
      provider: rig.wallet.address,
      claims: [{ escrowBox: (await pc.chain.client.unspentBox(escrowBoxId))!, hours: 1 }],
      inputs: await pc.chain.client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    await pc.send(claim, rig.wallet);
    await indexer.syncOnce();
  }

  /** The provider's executor reports an event on the rental. */
  function report(rig: Rig, id: string, body: Record<string, unknown>) {
    return h.request("POST", `/api/v1/instances/${id}/events`, { token: rig.apiKey, body });
  }

  /** Heartbeat intervals are 60 s; provider_down after 5 missed ones. */
  function silence() {
    h.clock.advance(6 * 60_000);
  }

  beforeAll(async () => {
    pc = await startProtocolChain();
    consumer = new TestWallet();
    consumerSigner = Signer.fromSecretHex(consumer.secretHex, "testnet");
    await pc.fund(consumer.address, { nanoErgs: 20_000_000_000n, gpuc: 1_000n * GPUC });
    arbiterSettlement = new ArbiterSettlement(
      pc.chain.client,
      pc.deployment,
      Signer.fromSecretHex(pc.arbiter.secretHex, "testnet"),
    );
    h = await startHarness(
      { billingHourS: 3600, arbiterSecretHex: pc.arbiter.secretHex, failedEscrowRefundAfterBlocks: 2 },
      {
        chain: new NodeRentalChain(pc.chain.client, pc.deployment),
        settlement: arbiterSettlement,
        deployment: pc.deployment,
      },
    );
    indexer = createMarketplaceIndexer(h.services, pc.chain.client, {
      deployment: pc.deployment,
      startHeight: 1,
      pollMs: 50,
      log: quiet,
    });
    await indexer.syncOnce();
    consumerToken = (await h.signIn(consumer)).token;
  });
  afterAll(async () => {
    await h?.close();
    await pc?.stop();
  });

  it("Should refund the consumer on chain when the provider goes down, leaving the provider only its claimed hour", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 3);
    const before = await pc.gpucOf(consumer.address);

    // One "hour" (2 blocks) passes; the provider claims it, the indexer follows the recreated escrow.
    await mineAndIndex();
    const providerSigner = Signer.fromSecretHex(rig.wallet.secretHex, "testnet");
    const claim = buildClaimTx({
      deployment: pc.deployment,
      configBox: (await pc.chain.client.unspentByTokenId(pc.deployment.configNftId))[0]!,
      height: await pc.chain.client.height(),
      provider: rig.wallet.address,
      claims: [{ escrowBox: (await pc.chain.client.unspentBox(funded.escrowBoxId!))!, hours: 1 }],
      inputs: await pc.chain.client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    await pc.chain.client.submit(await providerSigner.sign(claim, pc.chain.client));
    await mineAndIndex();
    const claimed = await get(funded.id);
    expect(claimed.escrowBoxId).not.toBe(funded.escrowBoxId);

    silence();
    expect((await h.services.heartbeats.tick()).closed).toEqual([funded.id]);
    const failed = await get(funded.id);
    expect(failed).toMatchObject({ state: "Failed", closeReason: "provider_down" });
    expect(failed.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    await mineAndIndex();

    expect(await pc.chain.client.unspentBox(claimed.escrowBoxId!)).toBeUndefined();
    expect(await pc.chain.client.transaction(failed.settlementTxId!)).toBeDefined();
    // 3 prepaid hours at 20 GPUC: 1 claimed (19.6 to the provider, 0.4 fee), 2 refunded.
    expect((await pc.gpucOf(consumer.address)) - before).toBe(2n * PRICE);
    expect(await pc.gpucOf(rig.wallet.address)).toBe((PRICE * 98n) / 100n);
    expect(await pc.gpucOf(pc.treasury.address)).toBe((PRICE * 2n) / 100n);
  });

  it("Should record the provider's close of an escrow as the rental's settlement transaction", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 2);
    const providerSigner = Signer.fromSecretHex(rig.wallet.secretHex, "testnet");
    const close = buildProviderCloseTx({
      deployment: pc.deployment,
      configBox: (await pc.chain.client.unspentByTokenId(pc.deployment.configNftId))[0]!,
      height: await pc.chain.client.height(),
      provider: rig.wallet.address,
      escrowBox: (await pc.chain.client.unspentBox(funded.escrowBoxId!))!,
      providerShare: 0n,
      inputs: await pc.chain.client.unspentByAddress(rig.wallet.address),
      changeAddress: rig.wallet.address,
    });
    const signed = await providerSigner.sign(close, pc.chain.client);
    await pc.chain.client.submit(signed);
    expect((await get(funded.id)).settlementTxId).toBeNull();
    await mineAndIndex();
    expect(await get(funded.id)).toMatchObject({
      escrowBoxId: funded.escrowBoxId,
      settlementTxId: signed.id,
    });
    // Its executor reports the end, as a real one would (a rental left Funded would go provider_down later).
    for (const state of ["Starting", "Running", "Stopping"] as const)
      ok(
        await report(rig, funded.id, { state, ...(state === "Stopping" ? { reason: "user_stopped" } : {}) }),
        instanceSchema,
      );
    const ended = ok(
      await report(rig, funded.id, { state: "Completed", reason: "user_stopped" }),
      instanceSchema,
    );
    expect(ended).toMatchObject({ state: "Completed", settlementTxId: signed.id });
  });

  it("Should not resolve twice when the marketplace restarts between submitting the refund and recording it", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 2);
    const before = await pc.gpucOf(consumer.address);

    // The first process submits the refund, then dies before the rental is marked Failed.
    const crashing: Settlement = {
      async resolve(...args) {
        await arbiterSettlement.resolve(...args);
        throw new Error("process killed after submit");
      },
      status: (txId) => arbiterSettlement.status(txId),
    };
    const services = (settlement: Settlement) =>
      createServices({
        db: h.db,
        config: h.services.config,
        clock: h.clock,
        log: quiet,
        settlement,
        deployment: pc.deployment,
      });
    silence();
    expect((await services(crashing).heartbeats.tick()).closed).toEqual([]);
    const [row] = await h.db.query<{ state: string; settlement_tx_id: string }>(
      "SELECT state, settlement_tx_id FROM instances WHERE id = $1",
      [funded.id],
    );
    expect(row).toMatchObject({ state: "Funded", settlement_tx_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await pc.chain.client.unconfirmedTransaction(row!.settlement_tx_id)).toBeDefined();

    // The restarted process finds the refund pending on chain and only records the outcome.
    let resolves = 0;
    const counting: Settlement = {
      resolve: (...args) => {
        resolves++;
        return arbiterSettlement.resolve(...args);
      },
      status: (txId) => arbiterSettlement.status(txId),
    };
    expect((await services(counting).heartbeats.tick()).closed).toEqual([funded.id]);
    expect(resolves).toBe(0);
    expect(await get(funded.id)).toMatchObject({
      state: "Failed",
      closeReason: "provider_down",
      settlementTxId: row!.settlement_tx_id,
    });
    await mineAndIndex();
    expect(await pc.chain.client.transaction(row!.settlement_tx_id)).toBeDefined();
    expect((await pc.gpucOf(consumer.address)) - before).toBe(2n * PRICE);
  });

  it("Should let the consumer dispute and only the arbiter resolve it on chain with a split", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 2);
    const before = await pc.gpucOf(consumer.address);

    const disputed = ok(
      await h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: consumerToken,
        body: { reason: "the GPU is an RTX 3060, not a 4090" },
      }),
      instanceSchema,
    );
    expect(disputed).toMatchObject({
      state: "Disputed",
      disputeReason: "the GPU is an RTX 3060, not a 4090",
    });
    problemOf(
      await h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: rig.token,
        body: { reason: "not mine to dispute" },
      }),
      404,
    );

    const resolve = (token: string, providerShare: string) =>
      h.request("POST", `/api/v1/instances/${funded.id}/resolve`, { token, body: { providerShare } });
    expect(problemOf(await resolve(consumerToken, "0"), 403).detail).toContain("arbiter");
    const denied = await h.request("POST", "/api/v1/api-keys", {
      token: consumerToken,
      body: { name: "sneaky", scopes: ["arbiter"] },
    });
    expect(problemOf(denied, 403).detail).toContain("arbiter wallet");

    // The arbiter's own wallet session mints an arbiter-scoped API key.
    const { token: arbiterSession } = await h.signIn(pc.arbiter);
    const arbiterKey = ok(
      await h.request("POST", "/api/v1/api-keys", {
        token: arbiterSession,
        body: { name: "disputes", scopes: ["arbiter"] },
      }),
      createdApiKeySchema,
      201,
    ).key;
    problemOf(await resolve(arbiterKey, String(1000n * GPUC)), 400);

    const resolved = ok(await resolve(arbiterKey, String(10n * GPUC)), instanceSchema);
    expect(resolved).toMatchObject({ state: "Resolved", closeReason: "arbiter" });
    expect(resolved.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    problemOf(await resolve(arbiterKey, "0"), 409);
    await mineAndIndex();

    // 40 GPUC held: 10 to the provider's side (9.8 + 0.2 fee), 30 back to the consumer.
    expect((await pc.gpucOf(consumer.address)) - before).toBe(30n * GPUC);
    expect(await pc.gpucOf(rig.wallet.address)).toBe(9_800_000n);
    expect(await pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeUndefined();
  });

  it("Should top up an escrow: more prepaid hours, a later credential expiry, and the executor's endpoint", async () => {
    const rig = await newProvider();
    ok(await rig.heartbeat({ endpoint: "https://rig-7.example.net:8443" }), heartbeatResponse);
    ok(await rig.heartbeat(), heartbeatResponse); // an old-style heartbeat keeps the endpoint
    problemOf(await rig.heartbeat({ endpoint: "ftp://rig-7.example.net" }), 400);
    const funded = await rentAndFund(rig, 1);
    expect(funded.executorUrl).toBe("https://rig-7.example.net:8443");

    const credential = async () =>
      decodeJwt(
        ok(
          await h.request("POST", `/api/v1/instances/${funded.id}/credentials`, {
            token: consumerToken,
            body: {},
          }),
          credentialSchema,
          201,
        ).token,
      );
    const first = await credential();

    problemOf(
      await h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: consumerToken,
        body: { hours: 10 },
      }),
      400,
    );
    const extend = ok(
      await h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: consumerToken,
        body: { hours: 2 },
      }),
      createdInstanceSchema,
    );
    const signed = await sign(extend.unsignedTx);
    const submitted = ok(
      await h.request("POST", `/api/v1/instances/${funded.id}/extend/funding`, {
        token: consumerToken,
        body: { signedTx: signed },
      }),
      instanceSchema,
    );
    expect(submitted.hours).toBe(1);
    await mineAndIndex();

    const extended = await get(funded.id);
    expect(extended.hours).toBe(3);
    expect(extended.escrowBoxId).not.toBe(funded.escrowBoxId);
    expect(Date.parse(extended.expiresAt!) - Date.parse(funded.expiresAt!)).toBe(2 * 3600_000);
    const second = await credential();
    expect(second.exp! - first.exp!).toBe(2 * 3600);
    const escrow = await pc.chain.client.unspentBox(extended.escrowBoxId!);
    expect(BigInt(escrow!.assets[0]!.amount)).toBe(3n * PRICE);
  });

  it("Should return a funded rental to awaiting funding when its block is rolled back, and fund it again when re-mined", async () => {
    const rig = await newProvider();
    const created = await create(rig, 1);
    const signed = await sign(created.unsignedTx);
    const fund = () =>
      h.request("POST", `/api/v1/instances/${created.instance.id}/funding`, {
        token: consumerToken,
        body: { signedTx: signed },
      });
    ok(await fund(), instanceSchema);
    await mineAndIndex();
    const funded = await get(created.instance.id);
    expect(funded.state).toBe("Funded");

    await pc.chain.devnet.rollback(1, { dropTransactions: true });
    await mineAndIndex(2); // the index notices the fork once the chain is past its tip
    const unfunded = await get(created.instance.id);
    expect(unfunded).toMatchObject({ state: "Created", escrowBoxId: null, expiresAt: null });

    ok(await fund(), instanceSchema);
    await mineAndIndex();
    expect(await get(created.instance.id)).toMatchObject({
      state: "Funded",
      escrowBoxId: funded.escrowBoxId,
    });
    const events = await h.services.instancesRepo.events(created.instance.id);
    expect(events.map((event) => event.to_state)).toEqual(["Created", "Funded", "Created", "Funded"]);
  });

  it("Should rewind a top-up whose block is rolled back to the escrow still on chain", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 1);
    const extend = ok(
      await h.request("POST", `/api/v1/instances/${funded.id}/extend`, {
        token: consumerToken,
        body: { hours: 1 },
      }),
      createdInstanceSchema,
    );
    const signed = await sign(extend.unsignedTx);
    await h.request("POST", `/api/v1/instances/${funded.id}/extend/funding`, {
      token: consumerToken,
      body: { signedTx: signed },
    });
    await mineAndIndex();
    expect((await get(funded.id)).hours).toBe(2);

    await pc.chain.devnet.rollback(1, { dropTransactions: true });
    await mineAndIndex(2);
    expect(await get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
  });

  it("Should not follow a forged 'top-up': a box naming the escrow in R8 that no spend of the escrow created", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 1);
    const start = BigInt(funded.startHeight!);
    await forgeEscrows(funded.escrowBoxId!, [
      // The reviewer's: 1 GPUC unit for 10,000 prepaid hours from a start a million blocks away.
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n], parent: funded.escrowBoxId! },
      // Even a fully funded copy of the escrow's own terms is no recreation: the escrow was not spent by it.
      { gpuc: 2n * PRICE, terms: [PRICE, start, 2n, 0n], parent: funded.escrowBoxId! },
    ]);

    expect(await get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
    expect(await executorView(rig, funded.id)).toMatchObject({ hours: 1, escrowBoxId: funded.escrowBoxId });

    // A genuine top-up (it spends the escrow) is still followed.
    await topUp(funded.id, 1);
    await mineAndIndex();
    const extended = await get(funded.id);
    expect(extended.hours).toBe(2);
    const recreated = parseEscrowBox(
      (await pc.chain.client.unspentBox(extended.escrowBoxId!))!,
      pc.deployment,
    );
    expect(recreated.parentBoxId).toBe(funded.escrowBoxId);
  });

  it("Should rewind a rolled-back top-up along the escrow lineage, not to a forged box naming the rental", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 1);
    const start = BigInt(funded.startHeight!);
    // Forged boxes with the rental id in R7, newer than the opening escrow: one without R8, one naming it.
    await forgeEscrows(funded.escrowBoxId!, [
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n] },
      { gpuc: 1n, terms: [PRICE, start + 1_000_000n, 10_000n, 0n], parent: funded.escrowBoxId! },
    ]);
    await topUp(funded.id, 1);
    await mineAndIndex();
    expect((await get(funded.id)).hours).toBe(2);

    await pc.chain.devnet.rollback(1, { dropTransactions: true });
    await mineAndIndex(2);
    expect(await get(funded.id)).toMatchObject({
      state: "Funded",
      hours: 1,
      escrowBoxId: funded.escrowBoxId,
      expiresAt: funded.expiresAt,
    });
  });

  it("Should not fund an escrow whose billing clock starts in the future or long before its block", async () => {
    const rig = await newProvider();
    const created = await create(rig, 1);
    const id = created.instance.id;
    await mineAndIndex(Math.max(0, 25 - (await pc.chain.client.height()))); // room to backdate below
    const height = await pc.chain.client.height();

    // The reviewer's: the agreed terms, but startHeight a million blocks ahead (nothing would ever be claimable).
    await submitFunding(id, await openWithStart(rig, id, 1, height + 1_000_000));
    await mineAndIndex();
    expect(await get(id)).toMatchObject({ state: "Created", escrowBoxId: null });
    expect(await executorView(rig, id)).toBeUndefined();

    // Backdated beyond the slack (15 blocks): the provider could claim hours it never served.
    await submitFunding(id, await openWithStart(rig, id, 1, height - 20));
    await mineAndIndex();
    expect((await get(id)).state).toBe("Created");

    // The clock starting at the height it was built at funds it.
    await submitFunding(id, await openWithStart(rig, id, 1, await pc.chain.client.height()));
    await mineAndIndex();
    const funded = await get(id);
    expect(funded).toMatchObject({ state: "Funded", hours: 1 });

    // The two refused escrows were refunded by the arbiter; the one funding the rental was not touched.
    const refunds = await h.services.refundsRepo.forInstance(id);
    expect(refunds.map((refund) => refund.reason)).toEqual([
      expect.stringContaining("startHeight"),
      expect.stringContaining("startHeight"),
    ]);
    for (const refund of refunds) expect(await pc.chain.client.unspentBox(refund.box_id)).toBeUndefined();
    expect(await pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeDefined();
  });

  it("Should keep a provider listed when a stranger creates a dust stake box naming it, and follow its own stake updates", async () => {
    const { wallet, token } = await h.signIn();
    await pc.fund(wallet.address, { nanoErgs: 10_000_000_000n });
    const listing = sampleListing({ pricePerHour: String(PRICE), maxHours: 10 });
    const height = () => pc.chain.client.height();
    const stakeTxId = await pc.send(
      buildCreateStakeTx({
        deployment: pc.deployment,
        provider: wallet.address,
        amount: 3_000_000_000n, // 2 GPUs × 1 ERG needed
        listingHash: listingHash(listing),
        height: await height(),
        inputs: await pc.chain.client.unspentByAddress(wallet.address),
        changeAddress: wallet.address,
      }),
      wallet,
    );
    await indexer.syncOnce();
    const [stakeBox] = await h.services.index.createdBy(stakeTxId, "stake");
    const registered = ok(
      await h.request("POST", "/api/v1/providers", {
        token,
        body: { name: "victim", stakeBoxId: stakeBox!.boxId, listing },
      }),
      providerSchema,
      201,
    );
    expect(registered.listed).toBe(true);
    const provider = async () =>
      ok(await h.request("GET", `/api/v1/providers/${registered.id}`), providerSchema);

    // The reviewer's: a stranger's 0.001 ERG box at the stake script, R4 = the victim, bonded, another listing.
    const stranger = new TestWallet();
    await pc.fund(stranger.address, { nanoErgs: 1_000_000_000n });
    const dust = new TransactionBuilder(await height())
      .from(await pc.chain.client.unspentByAddress(stranger.address))
      .to(
        new OutputBuilder(1_000_000n, pc.deployment.contracts.providerStake.ergoTree).setAdditionalRegisters(
          stakeRegisters(sigmaPropRegister(wallet.address), "00".repeat(32), BONDED),
        ),
      )
      .sendChangeTo(stranger.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    await pc.send(dust, stranger);
    await indexer.syncOnce();
    expect(await provider()).toMatchObject({
      listed: true,
      stakeBoxId: stakeBox!.boxId,
      stakeNanoErg: "3000000000",
    });

    // The provider's own top-up spends the stake: the recreated box is followed.
    await pc.send(
      buildUpdateStakeTx({
        deployment: pc.deployment,
        stakeBox: (await pc.chain.client.unspentBox(stakeBox!.boxId))!,
        provider: wallet.address,
        height: await height(),
        topUp: 1_000_000_000n,
        inputs: await pc.chain.client.unspentByAddress(wallet.address),
        changeAddress: wallet.address,
      }),
      wallet,
    );
    await indexer.syncOnce();
    const after = await provider();
    expect(after).toMatchObject({ listed: true, stakeNanoErg: "4000000000" });
    expect(after.stakeBoxId).not.toBe(stakeBox!.boxId);
  });

  it("Should refund in full, by the arbiter, an escrow that confirms after its rental failed", async () => {
    const rig = await newProvider();
    const before = await pc.gpucOf(consumer.address);
    const created = await create(rig, 2);
    const id = created.instance.id;
    await submitFunding(id, await sign(created.unsignedTx)); // in the mempool
    // The consumer stops the rental before the escrow confirms: Failed, the GPU freed.
    const stopped = ok(
      await h.request("POST", `/api/v1/instances/${id}/stop`, { token: consumerToken }),
      instanceSchema,
    );
    expect(stopped.state).toBe("Failed");
    expect(await pc.gpucOf(consumer.address)).toBe(before - 2n * PRICE);

    await mineAndIndex(); // the escrow confirms; the refund is signed, recorded and submitted
    const [refund] = await h.services.refundsRepo.forInstance(id);
    expect(refund).toMatchObject({
      reason: "the rental is already Failed",
      tx_id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The next block's sync sees the refund pending and does not resolve again.
    expect(await h.services.arbiter!.refundPending()).toBe(0);
    await mineAndIndex();

    expect(await pc.chain.client.transaction(refund!.tx_id!)).toBeDefined();
    expect(await pc.chain.client.unspentBox(refund!.box_id)).toBeUndefined();
    expect(await pc.gpucOf(consumer.address)).toBe(before);
    expect(await pc.gpucOf(rig.wallet.address)).toBe(0n);
    expect(await get(id)).toMatchObject({ state: "Failed", escrowBoxId: null });
  });

  it("Should refuse an executor closing a rental as the arbiter or failing it for another reason", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 2);

    // The reviewer's: the provider's key reports the rental Failed with reason arbiter.
    problemOf(await report(rig, funded.id, { state: "Failed", reason: "arbiter" }), 400);
    problemOf(await report(rig, funded.id, { state: "Failed", reason: "user_stopped" }), 400);
    expect(await get(funded.id)).toMatchObject({ state: "Funded", closeReason: null });

    // An executor's provider_down (its container vanished) is its own failure, not the marketplace's verdict.
    ok(await report(rig, funded.id, { state: "Starting" }), instanceSchema);
    const stopping = ok(
      await report(rig, funded.id, { state: "Stopping", reason: "provider_down" }),
      instanceSchema,
    );
    expect(stopping).toMatchObject({ state: "Stopping", closeReason: "provider_rejected" });

    // A rental not funded yet is none of the executor's business.
    const other = await newProvider();
    const created = await create(other, 1);
    problemOf(
      await report(other, created.instance.id, { state: "Failed", reason: "provider_rejected" }),
      409,
    );
    expect((await get(created.instance.id)).state).toBe("Created");
  });

  it("Should let the consumer dispute a funded rental its provider reported Failed", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 2);
    ok(await report(rig, funded.id, { state: "Starting" }), instanceSchema);
    const failed = ok(
      await report(rig, funded.id, { state: "Failed", reason: "provider_rejected", detail: "no GPU" }),
      instanceSchema,
    );
    expect(failed).toMatchObject({
      state: "Failed",
      closeReason: "provider_rejected",
      closeDetail: "no GPU",
    });

    const disputed = ok(
      await h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: consumerToken,
        body: { reason: "it never ran" },
      }),
      instanceSchema,
    );
    expect(disputed).toMatchObject({ state: "Disputed", disputeReason: "it never ran" });
    // Disputed, it waits for the arbiter: no automatic refund.
    await mineAndIndex(3);
    expect(await get(funded.id)).toMatchObject({ state: "Disputed", settlementTxId: null });
    expect(await pc.chain.client.unspentBox(funded.escrowBoxId!)).toBeDefined();
  });

  it("Should refund the unpaid part of an escrow its provider reported Failed and left unspent", async () => {
    const rig = await newProvider();
    const funded = await rentAndFund(rig, 3);
    const before = await pc.gpucOf(consumer.address);
    await claimOneHour(rig, funded.escrowBoxId!);
    const claimed = await get(funded.id);
    expect(claimed.escrowBoxId).not.toBe(funded.escrowBoxId);

    ok(await report(rig, funded.id, { state: "Starting" }), instanceSchema);
    ok(await report(rig, funded.id, { state: "Failed", reason: "provider_rejected" }), instanceSchema);
    await mineAndIndex(2); // within FAILED_ESCROW_REFUND_AFTER_BLOCKS (2): the executor's own close may come
    expect(await get(funded.id)).toMatchObject({ state: "Failed", settlementTxId: null });

    await mineAndIndex(); // 2 blocks past the first one that saw it Failed: the arbiter refunds
    const refunded = await get(funded.id);
    expect(refunded.settlementTxId).toMatch(/^[0-9a-f]{64}$/);
    await mineAndIndex();
    expect(await pc.chain.client.unspentBox(claimed.escrowBoxId!)).toBeUndefined();
    // 3 prepaid hours at 20 GPUC: 1 claimed (19.6 to the provider, 0.4 fee), 2 refunded to the consumer.
    expect((await pc.gpucOf(consumer.address)) - before).toBe(2n * PRICE);
    expect(await pc.gpucOf(rig.wallet.address)).toBe((PRICE * 98n) / 100n);
    // Settled: nothing left to dispute, and no second refund.
    problemOf(
      await h.request("POST", `/api/v1/instances/${funded.id}/dispute`, {
        token: consumerToken,
        body: { reason: "too late" },
      }),
      409,
    );
    expect(await h.services.arbiter!.refundFailedEscrows(await pc.chain.client.height())).toEqual([]);
  });

  it("Should not let one wallet reserve GPUs beyond its GPUC or more than 2 awaiting funding", async () => {
    const rigs = [await newProvider(), await newProvider(), await newProvider()];
    const rent = (token: string, rig: Rig, hours: number) =>
      h.request("POST", "/api/v1/instances", {
        token,
        body: { gpuId: rig.gpuId, hours, image: "gpuc/busybox:test" },
      });

    // The reviewer's: a wallet holding 2 hours' GPUC reserved every GPU, since nothing was locked before payment.
    const { wallet: poor, token: poorToken } = await h.signIn();
    await pc.fund(poor.address, { nanoErgs: 1_000_000_000n, gpuc: 2n * PRICE });
    await indexer.syncOnce();
    ok(await rent(poorToken, rigs[0]!, 2), createdInstanceSchema, 201);
    const short = problemOf(await rent(poorToken, rigs[1]!, 1), 402);
    expect(short).toMatchObject({ missing: String(PRICE) });

    // However rich, at most 2 rentals awaiting funding; stopping one frees a slot.
    const { wallet: rich, token: richToken } = await h.signIn();
    await pc.fund(rich.address, { nanoErgs: 1_000_000_000n, gpuc: 100n * PRICE });
    await indexer.syncOnce();
    const first = ok(await rent(richToken, rigs[1]!, 1), createdInstanceSchema, 201).instance;
    ok(await rent(richToken, rigs[2]!, 1), createdInstanceSchema, 201);
    const third = await newProvider();
    const capped = problemOf(await rent(richToken, third, 1), 409);
    expect(capped).toMatchObject({ pending: 2, limit: 2 });
    ok(await h.request("POST", `/api/v1/instances/${first.id}/stop`, { token: richToken }), instanceSchema);
    ok(await rent(richToken, third, 1), createdInstanceSchema, 201);
  });
});
