import { ConfigError } from "@gpuc/platform";
import {
  apiKeyListSchema,
  apiKeySchema,
  challengeResponse,
  createdApiKeySchema,
  sessionResponse,
} from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../core/config.ts";
import { type Harness, ok, problemOf, startHarness } from "../testing/harness.ts";
import { TestWallet } from "../testing/wallet.ts";

describe("Wallet sign-in and API keys", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      auth: { origins: ["https://gpuc.example"], sessionTtlS: 3600, challengeTtlS: 300 },
    });
  });
  afterAll(() => h.close());

  async function challenge(wallet: TestWallet) {
    return ok(
      await h.request("POST", "/api/v1/auth/challenge", { body: { address: wallet.address } }),
      challengeResponse,
      201,
    );
  }

  it("Should open a session for a signature of the challenge made with ergo-lib's sign_message_using_p2pk", async () => {
    const wallet = new TestWallet();
    const { nonce, message } = await challenge(wallet);
    expect(message).toContain(wallet.address);
    const reply = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce, proof: wallet.sign(message) },
    });
    const session = ok(reply, sessionResponse);
    expect(session.address).toBe(wallet.address);
    expect(session.token).toMatch(/^sess_/);
    const keys = await h.request("GET", "/api/v1/api-keys", { token: session.token });
    expect(ok(keys, apiKeyListSchema).items).toEqual([]);
  });

  it("Should accept the EIP-28 signed message that Nautilus's auth returns, from an allowed origin only", async () => {
    const wallet = new TestWallet();
    const first = await challenge(wallet);
    const signedMessage = `${first.message};https://gpuc.example;${Math.floor(Date.now() / 1000)};${"ab".repeat(32)}`;
    const good = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce: first.nonce, signedMessage, proof: wallet.sign(signedMessage) },
    });
    ok(good, sessionResponse);

    const second = await challenge(wallet);
    const phishing = `${second.message};https://evil.example;1700000000;${"cd".repeat(32)}`;
    const bad = await h.request("POST", "/api/v1/auth/verify", {
      body: {
        address: wallet.address,
        nonce: second.nonce,
        signedMessage: phishing,
        proof: wallet.sign(phishing),
      },
    });
    expect(problemOf(bad, 401).detail).toContain("evil.example");
  });

  it("Should name the marketplace's origin in the challenge the wallet signs, so a relaying site shows the wrong one", async () => {
    const { message } = await challenge(new TestWallet());
    expect(message).toMatch(
      /^GPUC marketplace sign-in at https:\/\/gpuc\.example \(sign only on that site\) for /,
    );
  });

  it("Should refuse to start on mainnet without the marketplace's public origins", () => {
    expect(() => loadConfig({ ERGO_NETWORK: "mainnet" })).toThrow(ConfigError);
    expect(() => loadConfig({ ERGO_NETWORK: "mainnet" })).toThrow(/MARKETPLACE_AUTH_ORIGINS/);
    const config = loadConfig({
      ERGO_NETWORK: "mainnet",
      MARKETPLACE_AUTH_ORIGINS: " https://gpuc.example ,",
    });
    expect(config.auth.origins).toEqual(["https://gpuc.example"]);
    expect(loadConfig({}).auth.origins).toEqual([]); // testnet and devnet runs may leave it empty
  });

  // Found by the API fuzz: a NUL in a nonce or a key name failed in PostgreSQL as a 500.
  it("Should refuse a nonce or an API key name with a NUL character as a 400, not a database error", async () => {
    const wallet = new TestWallet();
    const verify = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce: "a\u0000b", proof: "abcd" },
    });
    expect(problemOf(verify, 400).detail).toBe(
      "Invalid request body: nonce: must not contain the NUL character (U+0000)",
    );
    const { token } = await h.signIn();
    const key = await h.request("POST", "/api/v1/api-keys", {
      token,
      body: { name: "a\u0000", scopes: ["read"] },
    });
    expect(problemOf(key, 400).detail).toMatch(/name: must not contain the NUL/);
  });

  it("Should reject a signature by another key, and burn the nonce so it cannot be retried", async () => {
    const wallet = new TestWallet();
    const { nonce, message } = await challenge(wallet);
    const forged = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce, proof: new TestWallet().sign(message) },
    });
    expect(problemOf(forged, 401).detail).toContain("signature does not match");
    const retry = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce, proof: wallet.sign(message) },
    });
    expect(problemOf(retry, 401).detail).toContain("already used");
  });

  it("Should refuse a nonce used twice, an expired challenge, and a nonce issued to another address", async () => {
    const wallet = new TestWallet();
    const used = await challenge(wallet);
    const body = { address: wallet.address, nonce: used.nonce, proof: wallet.sign(used.message) };
    ok(await h.request("POST", "/api/v1/auth/verify", { body }), sessionResponse);
    problemOf(await h.request("POST", "/api/v1/auth/verify", { body }), 401);

    const late = await challenge(wallet);
    h.clock.advance(301_000);
    const expired = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce: late.nonce, proof: wallet.sign(late.message) },
    });
    expect(problemOf(expired, 401).detail).toContain("expired");

    const other = new TestWallet();
    const theirs = await challenge(other);
    const stolen = await h.request("POST", "/api/v1/auth/verify", {
      body: { address: wallet.address, nonce: theirs.nonce, proof: wallet.sign(theirs.message) },
    });
    expect(problemOf(stolen, 401).detail).toContain("another address");
  });

  it("Should refuse a mainnet or malformed address for a testnet marketplace", async () => {
    const mainnet = "9f4QF8AD1nQ3nJahQVkMj8hFSVVzVom77b52JU7EW71Zexg6N8v";
    expect(
      problemOf(await h.request("POST", "/api/v1/auth/challenge", { body: { address: mainnet } }), 400)
        .detail,
    ).toContain("testnet");
    // A valid testnet address with its last character changed: the checksum fails.
    const valid = new TestWallet().address;
    const corrupted = `${valid.slice(0, -1)}${valid.endsWith("1") ? "2" : "1"}`;
    const reply = await h.request("POST", "/api/v1/auth/challenge", { body: { address: corrupted } });
    expect(problemOf(reply, 400).detail).toContain("not a valid Ergo address");
  });

  it("Should expire sessions and end them on logout", async () => {
    const { token } = await h.signIn();
    expect((await h.request("GET", "/api/v1/api-keys", { token })).status).toBe(200);
    expect((await h.request("POST", "/api/v1/auth/logout", { token })).status).toBe(204);
    expect(problemOf(await h.request("GET", "/api/v1/api-keys", { token }), 401).detail).toContain(
      "sign in again",
    );

    const second = await h.signIn();
    h.clock.advance(3601_000);
    problemOf(await h.request("GET", "/api/v1/api-keys", { token: second.token }), 401);
  });

  it("Should show an API key once, store only its hash, enforce its scopes, and stop it on revocation", async () => {
    const { wallet, token } = await h.signIn();
    const created = ok(
      await h.request("POST", "/api/v1/api-keys", { token, body: { name: "ci", scopes: ["read"] } }),
      createdApiKeySchema,
      201,
    );
    expect(created.key).toMatch(/^gpuc_/);
    const stored = await h.db.query<{ key_hash: string }>("SELECT key_hash FROM api_keys WHERE id = $1", [
      created.id,
    ]);
    expect(stored[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await h.db.query("SELECT * FROM api_keys"))).not.toContain(created.key);

    const listed = ok(await h.request("GET", "/api/v1/api-keys", { token: created.key }), apiKeyListSchema);
    expect(listed.items.map((key) => key.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    // A read key cannot act as a provider, nor mint keys.
    const register = await h.request("POST", "/api/v1/providers", { token: created.key, body: {} });
    expect(problemOf(register, 403).detail).toContain("'provider' scope");
    const mint = await h.request("POST", "/api/v1/api-keys", {
      token: created.key,
      body: { name: "x", scopes: ["provider"] },
    });
    expect(problemOf(mint, 403).detail).toContain("wallet session");

    const revoked = ok(await h.request("DELETE", `/api/v1/api-keys/${created.id}`, { token }), apiKeySchema);
    expect(revoked.revokedAt).not.toBeNull();
    problemOf(await h.request("GET", "/api/v1/api-keys", { token: created.key }), 401);
    const rows = await h.db.query<{ address: string }>("SELECT address FROM api_keys WHERE id = $1", [
      created.id,
    ]);
    expect(rows[0]?.address).toBe(wallet.address);

    const strangers = await h.signIn();
    problemOf(await h.request("DELETE", `/api/v1/api-keys/${created.id}`, { token: strangers.token }), 404);
  });

  it("Should let an API key revoke only itself, and a wallet session any of the owner's keys", async () => {
    const { token } = await h.signIn();
    const mint = async (name: string, scopes: string[]) =>
      ok(
        await h.request("POST", "/api/v1/api-keys", { token, body: { name, scopes } }),
        createdApiKeySchema,
        201,
      );
    const executor = await mint("executor", ["provider"]);
    const reader = await mint("dashboard", ["read"]);
    const revoke = (id: string, bearer: string) =>
      h.request("DELETE", `/api/v1/api-keys/${id}`, { token: bearer });

    // The reviewer's: a read-only key switching off the owner's executor key.
    expect(problemOf(await revoke(executor.id, reader.key), 403).detail).toContain("only itself");
    problemOf(await revoke(reader.id, executor.key), 403);
    ok(await h.request("GET", "/api/v1/api-keys", { token: executor.key }), apiKeyListSchema);

    expect(ok(await revoke(reader.id, reader.key), apiKeySchema).revokedAt).not.toBeNull();
    problemOf(await h.request("GET", "/api/v1/api-keys", { token: reader.key }), 401);
    ok(await revoke(executor.id, token), apiKeySchema);
    problemOf(await h.request("GET", "/api/v1/api-keys", { token: executor.key }), 401);
  });
});
