import {
  estimateMinBoxValue,
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import {
  buildClaimTx,
  buildOpenEscrowTx,
  type ChainClient,
  escrowRegisters,
  parseEscrowBox,
  Signer,
  sigmaPropRegister,
} from "@gpuc/offchain";
import { createLogger } from "@gpuc/platform";
import {
  canonicalJson,
  createdInstanceSchema,
  executorInstanceSchema,
  heartbeatResponse,
  instanceSchema,
} from "@gpuc/sdk";
import { expect } from "vitest";
import { z } from "zod";
import { ArbiterSettlement } from "../chain/arbiter-settlement.ts";
import { rentalIdOf } from "../chain/gateway.ts";
import { NodeRentalChain } from "../chain/node-rental-chain.ts";
import { createMarketplaceIndexer } from "../indexing.ts";
import { registerProvider, sampleListing } from "./fixtures.ts";
import { ok, startHarness } from "./harness.ts";
import { startProtocolChain } from "./protocol.ts";
import { TestWallet } from "./wallet.ts";

export const GPUC = 1_000_000n;
export const PRICE = 20n * GPUC;
export const quiet = createLogger("marketplace-api", { level: "error" });

export type Followups = Awaited<ReturnType<typeof startFollowups>>;
export type Rig = Awaited<ReturnType<Followups["newProvider"]>>;

/**
 * A full deployment (deployProtocol: Config, Bank, real contracts) whose arbiter is the marketplace's key, the
 * marketplace on it with its indexer, a funded consumer signed in, and the helpers the follow-up specs share.
 */
export async function startFollowups() {
  const pc = await startProtocolChain();
  const consumer = new TestWallet();
  const consumerSigner = Signer.fromSecretHex(consumer.secretHex, "testnet");
  await pc.fund(consumer.address, { nanoErgs: 20_000_000_000n, gpuc: 1_000n * GPUC });
  const arbiterSettlement = new ArbiterSettlement(
    pc.chain.client,
    pc.deployment,
    Signer.fromSecretHex(pc.arbiter.secretHex, "testnet"),
  );
  const h = await startHarness(
    { billingHourS: 3600, arbiterSecretHex: pc.arbiter.secretHex, failedEscrowRefundAfterBlocks: 2 },
    {
      chain: new NodeRentalChain(pc.chain.client, pc.deployment),
      settlement: arbiterSettlement,
      deployment: pc.deployment,
      node: { client: pc.chain.client, deployment: pc.deployment },
    },
  );
  const indexer = createMarketplaceIndexer(h.services, pc.chain.client, {
    deployment: pc.deployment,
    startHeight: 1,
    pollMs: 50,
    log: quiet,
  });
  await indexer.syncOnce();
  const consumerToken = (await h.signIn(consumer)).token;

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

  async function close() {
    await h?.close();
    await pc?.stop();
  }

  return {
    pc,
    h,
    indexer,
    consumer,
    consumerToken,
    consumerSigner,
    arbiterSettlement,
    newProvider,
    create,
    sign,
    rentAndFund,
    mineAndIndex,
    get,
    topUp,
    forgeEscrows,
    openWithStart,
    submitFunding,
    executorView,
    claimOneHour,
    report,
    silence,
    close,
  };
}
