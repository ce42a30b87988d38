import { gpuPage, listingHash, listingHashResponse, providerSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recreateStake, registerProvider, sampleListing, seedStake } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";

describe("Providers and their listings", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ minStakePerGpu: 2_000_000_000n });
  });
  afterAll(() => h.close());

  it("Should compute the listing hash as blake2b256 of the canonical JSON, whatever the key order", async () => {
    const listing = sampleListing();
    const reply = ok(
      await h.request("POST", "/api/v1/listings/hash", { body: listing }),
      listingHashResponse,
    );
    expect(reply).toEqual({ listingHash: listingHash(listing), gpus: 2 });
    const reordered = {
      gpus: listing.gpus.map((gpu) => Object.fromEntries(Object.entries(gpu).reverse())),
      region: listing.region,
    };
    expect(
      ok(await h.request("POST", "/api/v1/listings/hash", { body: reordered }), listingHashResponse)
        .listingHash,
    ).toBe(reply.listingHash);
  });

  it("Should register a provider whose stake box names it in R4 and holds the listing hash in R5", async () => {
    const { provider, wallet } = await registerProvider(h);
    expect(provider).toMatchObject({
      ownerAddress: wallet.address,
      bonded: true,
      listed: true,
      stakeNanoErg: "10000000000",
    });
    expect(provider.listingHash).toBe(listingHash(sampleListing()));
  });

  it("Should refuse a stake box of another key, a hash mismatch, and an unknown box", async () => {
    const { wallet: owner } = await h.signIn();
    const stranger = await h.signIn();
    const listing = sampleListing();
    const theirs = await seedStake(h, owner, { listing });
    const stolen = await h.request("POST", "/api/v1/providers", {
      token: stranger.token,
      body: { name: "x", stakeBoxId: theirs, listing },
    });
    expect(problemOf(stolen, 403).detail).toContain("belongs to another key");

    const mine = await seedStake(h, stranger.wallet, { listing });
    const cheaper = sampleListing({ pricePerHour: "1" });
    const mismatch = await h.request("POST", "/api/v1/providers", {
      token: stranger.token,
      body: { name: "x", stakeBoxId: mine, listing: cheaper },
    });
    const body = problemOf(mismatch, 409);
    expect(body.expected).toBe(listingHash(cheaper));
    expect(body.onChain).toBe(listingHash(listing));

    const unknown = await h.request("POST", "/api/v1/providers", {
      token: stranger.token,
      body: { name: "x", stakeBoxId: "00".repeat(32), listing },
    });
    expect(problemOf(unknown, 404).detail).toContain("wait for its confirmation");
  });

  it("Should list GPUs only while the bonded stake covers minStakePerGpu × GPUs", async () => {
    const { wallet, token } = await h.signIn();
    const listing = sampleListing({ count: 8, model: "H100 SXM" });
    // 8 GPUs × 2 ERG = 16 ERG needed; 10 ERG staked.
    const small = await seedStake(h, wallet, { listing, nanoErg: 10_000_000_000n });
    const provider = ok(
      await h.request("POST", "/api/v1/providers", {
        token,
        body: { name: "big", stakeBoxId: small, listing },
      }),
      providerSchema,
      201,
    );
    expect(provider.listed).toBe(false);
    const search = ok(await h.request("GET", "/api/v1/gpus?gpu_name=h100"), gpuPage);
    expect(search.items.filter((gpu) => gpu.providerId === provider.id)).toEqual([]);

    // A box anyone created at the stake script naming this provider is not its stake.
    await seedStake(h, wallet, { listing, nanoErg: 16_000_000_000n });
    await h.services.providers.syncStakes();
    expect(ok(await h.request("GET", `/api/v1/providers/${provider.id}`), providerSchema)).toMatchObject({
      listed: false,
      stakeBoxId: small,
    });

    // The stake is topped up on chain (a recreated box); the next sync lists the GPUs.
    const topped = await recreateStake(h, wallet, small, { listing, nanoErg: 16_000_000_000n });
    await h.services.providers.syncStakes();
    expect(ok(await h.request("GET", `/api/v1/providers/${provider.id}`), providerSchema)).toMatchObject({
      listed: true,
      stakeNanoErg: "16000000000",
    });

    // Unbonding starts (R6 ≠ −1): unlisted again.
    await recreateStake(h, wallet, topped, { listing, nanoErg: 16_000_000_000n, bonded: false });
    await h.services.providers.syncStakes();
    expect(ok(await h.request("GET", `/api/v1/providers/${provider.id}`), providerSchema)).toMatchObject({
      listed: false,
      bonded: false,
    });
  });

  it("Should replace a listing only with a hash the stake box carries", async () => {
    const { provider, token, wallet } = await registerProvider(h);
    const updated = sampleListing({ pricePerHour: "900000", model: "RTX 3090" }, "us-east");
    const refused = await h.request("PUT", `/api/v1/providers/${provider.id}/listing`, {
      token,
      body: { listing: updated },
    });
    problemOf(refused, 409);
    const stakeBoxId = await seedStake(h, wallet, { listing: updated });
    const after = ok(
      await h.request("PUT", `/api/v1/providers/${provider.id}/listing`, {
        token,
        body: { stakeBoxId, listing: updated },
      }),
      providerSchema,
    );
    expect(after).toMatchObject({ region: "us-east", listed: true, stakeBoxId });
    const other = await h.signIn();
    problemOf(
      await h.request("PUT", `/api/v1/providers/${provider.id}/listing`, {
        token: other.token,
        body: { listing: updated },
      }),
      404,
    );
  });

  it("Should answer 409, not 500, when a listing update names the stake box of another of the owner's providers", async () => {
    const { provider, token, wallet, stakeBoxId } = await registerProvider(h);
    const secondStake = await seedStake(h, wallet);
    const second = ok(
      await h.request("POST", "/api/v1/providers", {
        token,
        body: { name: "rig-2", stakeBoxId: secondStake, listing: sampleListing() },
      }),
      providerSchema,
      201,
    );
    const taken = await h.request("PUT", `/api/v1/providers/${second.id}/listing`, {
      token,
      body: { stakeBoxId, listing: sampleListing() },
    });
    expect(problemOf(taken, 409).detail).toContain(provider.id);
    expect(ok(await h.request("GET", `/api/v1/providers/${second.id}`), providerSchema).stakeBoxId).toBe(
      secondStake,
    );
  });
});
