import { CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER, type Credential, type CredentialScope } from "@gpuc/sdk";
import { SignJWT } from "jose";
import type { Clock } from "../core/clock.ts";
import type { SigningKey } from "./signing-key.ts";

export interface CredentialSubject {
  instanceId: string;
  providerId: string;
  consumerAddress: string;
  scope: readonly CredentialScope[];
  /** When the prepaid hours end; the credential's `exp`. */
  expiresAt: Date;
}

/** Signs the scoped credentials executors accept, and serves the key set they verify with. */
export class CredentialsService {
  constructor(
    private readonly key: SigningKey,
    private readonly clock: Clock,
  ) {}

  jwks(): { keys: SigningKey["publicJwk"][] } {
    return { keys: [this.key.publicJwk] };
  }

  async issue(subject: CredentialSubject): Promise<Credential> {
    const token = await new SignJWT({
      instance: subject.instanceId,
      provider: subject.providerId,
      scope: [...subject.scope],
    })
      .setProtectedHeader({ alg: "EdDSA", kid: this.key.kid, typ: "JWT" })
      .setIssuer(CREDENTIAL_ISSUER)
      .setAudience(CREDENTIAL_AUDIENCE)
      .setSubject(subject.consumerAddress)
      .setIssuedAt(Math.floor(this.clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(subject.expiresAt.getTime() / 1000))
      .sign(this.key.privateKey);
    return {
      token,
      instanceId: subject.instanceId,
      providerId: subject.providerId,
      scope: [...subject.scope],
      expiresAt: subject.expiresAt.toISOString(),
    };
  }
}
