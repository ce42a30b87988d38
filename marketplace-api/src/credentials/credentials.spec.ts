import { generateKeyPairSync } from "node:crypto";
import { createLogger } from "@gpuc/platform";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.ts";
import { CredentialsService } from "./credentials.service.ts";
import { fromPrivateKey, loadSigningKey, SigningKeyError } from "./signing-key.ts";

const log = createLogger("test", { level: "error" });

describe("Credential signing key and tokens", () => {
  it("Should load the same Ed25519 key from a PKCS8 PEM and from a JWK", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const jwk = JSON.stringify(privateKey.export({ format: "jwk" }));
    const fromPem = loadSigningKey({ privateKey: pem, kid: "k1" }, log);
    const fromJwk = loadSigningKey({ privateKey: jwk, kid: "k1" }, log);
    expect(fromPem.publicJwk).toEqual(fromJwk.publicJwk);
    expect(fromPem.publicJwk).toMatchObject({
      kty: "OKP",
      crv: "Ed25519",
      kid: "k1",
      alg: "EdDSA",
      use: "sig",
    });
  });

  it("Should refuse a non-Ed25519 key and text that is no key, saying what to use", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => fromPrivateKey(privateKey, "k")).toThrow(/must be Ed25519/);
    expect(() => loadSigningKey({ privateKey: "not a key", kid: "k" }, log)).toThrow(SigningKeyError);
  });

  it("Should generate an ephemeral key with a warning when none is configured", () => {
    const lines: string[] = [];
    const key = loadSigningKey({ kid: "dev" }, createLogger("test", { write: (line) => lines.push(line) }));
    expect(key.privateKey.asymmetricKeyType).toBe("ed25519");
    expect(lines.join("\n")).toContain("CREDENTIAL_KEY_EPHEMERAL");
  });

  it("Should sign credentials that verify with the JWKS until exp and not after", async () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00Z"));
    const key = loadSigningKey({ kid: "k2" }, log);
    const service = new CredentialsService(key, clock);
    const expiresAt = new Date("2030-01-01T02:00:00Z");
    const credential = await service.issue({
      instanceId: "00000000-0000-4000-8000-000000000001",
      providerId: "00000000-0000-4000-8000-000000000002",
      consumerAddress: "3Wx...",
      scope: ["stop"],
      expiresAt,
    });
    const jwks = createLocalJWKSet(service.jwks());
    const options = { issuer: "gpuc-marketplace", audience: "gpuc-executor" };
    const { payload } = await jwtVerify(credential.token, jwks, {
      ...options,
      currentDate: new Date("2030-01-01T01:59:00Z"),
    });
    expect(payload).toMatchObject({ scope: ["stop"], iat: 1893456000, exp: 1893463200 });
    await expect(
      jwtVerify(credential.token, jwks, { ...options, currentDate: new Date("2030-01-01T02:00:01Z") }),
    ).rejects.toThrow(/exp/);
    await expect(
      jwtVerify(credential.token, jwks, { issuer: "someone-else", currentDate: clock.now() }),
    ).rejects.toThrow();
  });
});
