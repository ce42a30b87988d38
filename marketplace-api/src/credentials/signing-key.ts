import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { readFileSync } from "node:fs";
import type { Logger } from "@gpuc/platform";

/** The marketplace's Ed25519 credential key: the private half signs, the public half is served as JWKS. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

/** An Ed25519 public key as JWKS serves it (RFC 8037 OKP). */
export interface PublicJwk {
  readonly kty: "OKP";
  readonly crv: "Ed25519";
  readonly x: string;
  readonly kid: string;
  readonly alg: "EdDSA";
  readonly use: "sig";
}

/** Thrown when the configured credential key is not an Ed25519 private key. */
export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface SigningKeySource {
  /** PKCS8 PEM or a private JWK (JSON text). */
  privateKey?: string;
  /** A file holding either. */
  privateKeyFile?: string;
  kid: string;
}

/**
 * Loads the credential key from config, or generates an ephemeral one (with a warning: credentials it signs
 * stop verifying when the process restarts).
 */
export function loadSigningKey(source: SigningKeySource, log: Logger): SigningKey {
  const text =
    source.privateKey ?? (source.privateKeyFile ? readFileSync(source.privateKeyFile, "utf8") : undefined);
  if (text === undefined) {
    log.warn("CREDENTIAL_KEY_EPHEMERAL", {
      detail: "No MARKETPLACE_JWT_PRIVATE_KEY(_FILE) set; generated a key that lives as long as this process",
    });
    return fromPrivateKey(generateKeyPairSync("ed25519").privateKey, source.kid);
  }
  return fromPrivateKey(parsePrivateKey(text), source.kid);
}

function parsePrivateKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    return trimmed.startsWith("{")
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: "jwk" })
      : createPrivateKey(trimmed);
  } catch (error) {
    throw new SigningKeyError(
      `MARKETPLACE_JWT_PRIVATE_KEY is neither a PKCS8 PEM nor a private JWK: ${(error as Error).message}`,
    );
  }
}

/** Wraps an Ed25519 private key; used by tests and by `loadSigningKey`. */
export function fromPrivateKey(privateKey: KeyObject, kid: string): SigningKey {
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new SigningKeyError(
      `The credential key must be Ed25519 (EdDSA), not ${privateKey.asymmetricKeyType}; generate one with 'openssl genpkey -algorithm ed25519'`,
    );
  }
  const { x } = createPublicKey(privateKey).export({ format: "jwk" });
  return {
    kid,
    privateKey,
    publicJwk: { kty: "OKP", crv: "Ed25519", x: x ?? "", kid, alg: "EdDSA", use: "sig" },
  };
}
