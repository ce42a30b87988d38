import { buildOpenCreditAccount } from "@gpuc/offchain";
import type { RouteInfo } from "@gpuc/platform/http";
import { createdApiKeySchema } from "@gpuc/sdk";
import { apiRoutes } from "../app.ts";
import { MarketplaceMetrics } from "../core/metrics.ts";
import { type Followups, startFollowups } from "./followups.ts";
import { type Harness, ok } from "./harness.ts";

/** The marketplace under fuzz: the real app on a devnet deployment, with real rows to aim at. */
export interface FuzzWorld {
  readonly baseUrl: string;
  /** Every route the app mounts (the same list its OpenAPI document is built from). */
  readonly routes: readonly RouteInfo[];
  readonly samples: (property: string) => readonly string[];
  readonly validCredential: (route: RouteInfo) => Promise<string | undefined>;
  /** Who owns what, for the cross-tenant tests. */
  readonly tenants: Tenants;
  close(): Promise<void>;
}

/** The world's wallets and what each holds. */
export interface Tenants {
  readonly harness: Harness;
  /** The consumer: its session, a read-only and a spare consumer key, its funded instance on provider A. */
  readonly consumer: {
    address: string;
    token: string;
    readKey: string;
    spareKeyId: string;
    instanceId: string;
  };
  readonly providerA: {
    address: string;
    token: string;
    apiKey: string;
    providerId: string;
    stakeBoxId: string;
  };
  readonly providerB: { address: string; token: string; apiKey: string; providerId: string };
  readonly arbiter: { address: string; token: string };
}

/**
 * Two providers with online offers, a funded rental on the first, a consumer, a read-only key and the arbiter
 * signed in: valid requests reach the handlers' real paths (funding, disputes, resolves) instead of a 404.
 */
export async function startFuzzWorld(): Promise<FuzzWorld> {
  const f = await startFollowups();
  const [rigA, rigB] = [await f.newProvider(), await f.newProvider()];
  const funded = await f.rentAndFund(rigA, 2);
  const created = await f.create(rigB, 1);
  await openCreditAccount(f);
  const arbiter = (await f.h.signIn(f.pc.arbiter)).token;
  const key = async (scopes: string[]) =>
    ok(
      await f.h.request("POST", "/api/v1/api-keys", {
        token: f.consumerToken,
        body: { name: "fuzz", scopes },
      }),
      createdApiKeySchema,
      201,
    );
  const readKey = await key(["read"]);
  // A key the fuzz may revoke through DELETE /api-keys/{id} without locking itself out.
  const spareKey = await key(["consumer"]);
  const ids: Record<string, readonly string[]> = {
    id: [funded.id, created.instance.id, rigA.gpuId, spareKey.id],
    providerId: [rigA.provider.id, rigB.provider.id],
    gpuId: [rigA.gpuId, rigB.gpuId],
    stakeBoxId: [rigA.stakeBoxId],
    address: [f.consumer.address, rigA.wallet.address],
  };
  const byRequirement: Record<string, readonly string[]> = {
    consumer: [f.consumerToken],
    read: [f.consumerToken, readKey.key],
    any: [f.consumerToken, readKey.key],
    provider: [rigA.apiKey, rigB.apiKey],
    arbiter: [arbiter],
  };
  let turn = 0;
  const pick = (tokens: readonly string[]) => tokens[turn++ % tokens.length];
  const metrics = new MarketplaceMetrics({ db: f.h.db, log: f.h.services.log });
  return {
    baseUrl: f.h.url,
    routes: apiRoutes(f.h.services, { indexerEnabled: false, metrics }),
    samples: (property) => ids[property] ?? [],
    async validCredential(route) {
      // Signing out ends the session it is sent with: each one gets a session of its own.
      if (route.path === "/api/v1/auth/logout") return (await f.h.signIn()).token;
      return pick(byRequirement[route.auth ?? "consumer"] ?? [f.consumerToken]);
    },
    tenants: {
      harness: f.h,
      consumer: {
        address: f.consumer.address,
        token: f.consumerToken,
        readKey: readKey.key,
        spareKeyId: spareKey.id,
        instanceId: funded.id,
      },
      providerA: {
        address: rigA.wallet.address,
        token: rigA.token,
        apiKey: rigA.apiKey,
        providerId: rigA.provider.id,
        stakeBoxId: rigA.stakeBoxId,
      },
      providerB: {
        address: rigB.wallet.address,
        token: rigB.token,
        apiKey: rigB.apiKey,
        providerId: rigB.provider.id,
      },
      arbiter: { address: f.pc.arbiter.address, token: arbiter },
    },
    close: () => f.close(),
  };
}

/** The consumer's Credit Account (5 ERG, no debt), so the wallet routes reach their builders and GET answers 200. */
async function openCreditAccount(f: Followups): Promise<void> {
  const client = f.pc.chain.client;
  const tx = buildOpenCreditAccount(
    { deployment: f.pc.deployment, owner: f.consumer.address, collateral: 5_000_000_000n },
    {
      inputs: await client.unspentByAddress(f.consumer.address),
      changeAddress: f.consumer.address,
      height: await client.height(),
    },
  );
  await client.submit(await f.consumerSigner.sign(tx, client));
  await f.mineAndIndex();
}
