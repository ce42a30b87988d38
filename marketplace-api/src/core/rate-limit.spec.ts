import { challengeResponse } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

describe("Sign-in rate limit and challenge pruning", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ authRateLimit: { limit: 3, windowS: 60 } });
  });
  afterAll(() => h.close());

  const challenge = () =>
    h.request("POST", "/api/v1/auth/challenge", { body: { address: new TestWallet().address } });

  it("Should answer 429 problem+json once one address asked for more challenges than the window allows", async () => {
    for (let i = 0; i < 3; i++) ok(await challenge(), challengeResponse, 201);
    const limited = problemOf(await challenge(), 429);
    expect(limited).toMatchObject({ limit: 3, windowS: 60 });
    expect(limited.detail).toContain("Retry-After");
    const rows = await h.db.query<{ count: bigint }>("SELECT COUNT(*) AS count FROM auth_challenges");
    expect(rows[0]?.count).toBe(3n);
    // Other routes are not counted against it.
    expect((await h.request("GET", "/api/v1/gpus")).status).toBe(200);
  });

  it("Should delete expired challenges and keep live ones", async () => {
    await h.db.query("DELETE FROM auth_challenges");
    await h.services.auth.challenge(new TestWallet().address);
    h.clock.advance(301_000); // past MARKETPLACE_CHALLENGE_TTL_S
    const live = await h.services.auth.challenge(new TestWallet().address);
    expect(await h.services.auth.pruneChallenges()).toBe(1);
    const left = await h.db.query<{ nonce: string }>("SELECT nonce FROM auth_challenges");
    expect(left.map((row) => row.nonce)).toEqual([live.nonce]);
  });
});

describe("Sign-in rate limit for callers already signed in", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ authRateLimit: { limit: 3, windowS: 60 } });
  });
  afterAll(() => h.close());

  it("Should not count requests bearing a valid session, and still count anonymous ones", async () => {
    const { token } = await h.signIn(); // one challenge: 1 of the 3 (verify counts on its own)
    const challenge = (options: { token?: string } = {}) =>
      h.request("POST", "/api/v1/auth/challenge", {
        ...options,
        body: { address: new TestWallet().address },
      });
    for (let i = 0; i < 5; i++) ok(await challenge({ token }), challengeResponse, 201);
    // A forged bearer does not buy an exemption.
    ok(await challenge({ token: "not-a-session" }), challengeResponse, 201);
    ok(await challenge(), challengeResponse, 201);
    expect(problemOf(await challenge(), 429)).toMatchObject({ limit: 3 });
  });
});
