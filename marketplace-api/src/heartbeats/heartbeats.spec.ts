import { canonicalJson, heartbeatResponse, type Json, providerSchema } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../services.ts";
import { registerProvider, sampleListing, seedStake } from "../testing/fixtures.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";

describe("Signed executor heartbeats", () => {
  let h: Harness;
  let rig: Awaited<ReturnType<typeof registerProvider>>;
  let siblingId: string;

  beforeAll(async () => {
    h = await startHarness();
    rig = await registerProvider(h);
    // A second provider of the same owner (same wallet, so the same signing key), with its own stake.
    const stakeBoxId = await seedStake(h, rig.wallet);
    siblingId = ok(
      await h.request("POST", "/api/v1/providers", {
        token: rig.token,
        body: { name: "rig-2", stakeBoxId, listing: sampleListing() },
      }),
      providerSchema,
      201,
    ).id;
  });
  afterAll(() => h.close());

  /** A heartbeat signed by the owner's wallet, `fields` included in the signed body. */
  function signed(fields: Record<string, unknown>) {
    const body = { timestamp: h.clock.now().toISOString(), gpus: [], instances: [], ...fields };
    return { ...body, signature: rig.wallet.sign(canonicalJson(body as Json)) };
  }
  const send = (providerId: string, body: unknown) =>
    h.request("POST", `/api/v1/providers/${providerId}/heartbeats`, { token: rig.apiKey, body });

  it("Should accept at most 60 s ahead of the marketplace's clock, and say to sync the clock beyond", async () => {
    h.clock.advance(10_000);
    const at = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();
    const ahead = problemOf(await send(rig.provider.id, signed({ timestamp: at(90_000) })), 400);
    expect(ahead.detail).toMatch(/90 s ahead .*sync the executor's clock/);
    const behind = problemOf(await send(rig.provider.id, signed({ timestamp: at(-6 * 60_000) })), 400);
    expect(behind.detail).toContain("behind");
    ok(await send(rig.provider.id, signed({ timestamp: at(30_000) })), heartbeatResponse);
    // After a clock correction the real heartbeats are refused for at most that minute, not five.
    h.clock.advance(31_000);
    ok(await send(rig.provider.id, signed({ providerId: rig.provider.id })), heartbeatResponse);
  });

  it("Should refuse a heartbeat signed for one provider and replayed to another of the same owner", async () => {
    h.clock.advance(10_000);
    const forRig = signed({ providerId: rig.provider.id });
    ok(await send(rig.provider.id, forRig), heartbeatResponse);
    const replayed = problemOf(await send(siblingId, forRig), 400);
    expect(replayed.detail).toContain(`signed for provider ${rig.provider.id}`);
  });

  it("Should accept an old executor's heartbeat without providerId, unless HEARTBEAT_REQUIRE_PROVIDER_ID", async () => {
    h.clock.advance(10_000);
    const unbound = signed({});
    ok(await send(rig.provider.id, unbound), heartbeatResponse);

    const strict = createServices({
      db: h.db,
      config: {
        ...h.services.config,
        heartbeats: { ...h.services.config.heartbeats, requireProviderId: true },
      },
      clock: h.clock,
      log: h.services.log,
    });
    const principal = { address: rig.wallet.address, scopes: ["provider"] as const, via: "api_key" as const };
    // The same body replayed to the sibling: refused, as the old one no longer passes.
    await expect(strict.heartbeats.record(principal, siblingId, unbound)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("add 'providerId'"),
    });
    h.clock.advance(1000);
    const bound = signed({ providerId: siblingId });
    expect(await strict.heartbeats.record(principal, siblingId, bound)).toMatchObject({
      providerId: siblingId,
    });
  });

  it("Should answer a GPU entry nested too deep to sign with a 400, not a crash", async () => {
    h.clock.advance(10_000);
    const depth = 100_000;
    const raw = `{"timestamp":"${h.clock.now().toISOString()}","gpus":[{"x":${"[".repeat(depth)}${"]".repeat(depth)}}],"instances":[],"signature":"ab"}`;
    const reply = await h.request("POST", `/api/v1/providers/${rig.provider.id}/heartbeats`, {
      token: rig.apiKey,
      raw,
    });
    expect(problemOf(reply, 400).detail).toContain("nesting deeper than 256 levels");
  });
});
