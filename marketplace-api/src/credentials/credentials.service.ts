import {
  CREDENTIAL_AUDIENCE,
  CREDENTIAL_ISSUER,
  type Credential,
  type CredentialScope,
  type ExecutorAction,
} from "@gpuc/sdk";
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

/** A pre-check credential is used at once, by the marketplace itself. */
const PRECHECK_TTL_MS = 60_000;

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
    const token = await this.sign(subject);
    return {
      token,
      instanceId: subject.instanceId,
      providerId: subject.providerId,
      scope: [...subject.scope],
      expiresAt: subject.expiresAt.toISOString(),
    };
  }

  /**
   * The marketplace's own short-lived credential for asking the offer's executor to pre-check a rental it is about
   * to create (scope `precheck`, which consumers are never issued).
   */
  precheckToken(subject: Omit<CredentialSubject, "scope" | "expiresAt">): Promise<string> {
    const expiresAt = new Date(this.clock.now().getTime() + PRECHECK_TTL_MS);
    return this.sign({ ...subject, scope: ["precheck"], expiresAt });
  }

  private sign(
    subject: Omit<CredentialSubject, "scope"> & { scope: readonly ExecutorAction[] },
  ): Promise<string> {
    return new SignJWT({
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
  }
}
