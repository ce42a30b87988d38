import type { Authorize } from "@gpuc/platform/http";
import { CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER, EXECUTOR_ACTIONS, type ExecutorAction } from "@gpuc/sdk";
import { errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import {
  CredentialExpiredError,
  CredentialForAnotherInstanceError,
  CredentialForAnotherProviderError,
  CredentialInvalidError,
  CredentialLacksScopeError,
  CredentialRequiredError,
  MarketplaceKeysUnavailableError,
} from "./errors.ts";

/** What a marketplace credential may allow: a consumer's scopes, and the marketplace's own `precheck`. */
export const ACTIONS = EXECUTOR_ACTIONS;
export type Action = ExecutorAction;

/** A verified marketplace credential. */
export interface Credential {
  /** The consumer's address (`sub`). */
  readonly consumer: string;
  readonly instanceId: string;
  readonly providerId: string;
  readonly scope: readonly Action[];
  readonly expiresAt: Date;
}

export interface CredentialVerifierOptions {
  /** The marketplace's key set: `createRemoteJWKSet(new URL("<marketplace>/.well-known/jwks.json"))`. */
  readonly keys: JWTVerifyGetKey;
  readonly providerId: string;
  readonly clockToleranceSeconds?: number;
}

/**
 * Checks a consumer's credential: an EdDSA JWT from the marketplace, for this provider and instance, with the
 * action in its scope and not expired (it expires with the prepaid time).
 */
export class CredentialVerifier {
  readonly #options: CredentialVerifierOptions;

  constructor(options: CredentialVerifierOptions) {
    this.#options = options;
  }

  async verify(token: string, instanceId: string, action: Action): Promise<Credential> {
    const payload = await this.#verifySignature(token);
    const scope = Array.isArray(payload.scope) ? payload.scope.filter(isAction) : [];
    if (payload.instance !== instanceId) {
      throw new CredentialForAnotherInstanceError(String(payload.instance), instanceId);
    }
    if (payload.provider !== this.#options.providerId) {
      throw new CredentialForAnotherProviderError();
    }
    if (!scope.includes(action)) {
      throw new CredentialLacksScopeError(scope, action);
    }
    return {
      consumer: String(payload.sub),
      instanceId,
      providerId: this.#options.providerId,
      scope,
      expiresAt: new Date(Number(payload.exp) * 1000),
    };
  }

  async #verifySignature(token: string) {
    try {
      const { payload } = await jwtVerify(token, this.#options.keys, {
        issuer: CREDENTIAL_ISSUER,
        audience: CREDENTIAL_AUDIENCE,
        algorithms: ["EdDSA", "Ed25519"],
        requiredClaims: ["exp", "sub", "instance", "provider", "scope"],
        clockTolerance: this.#options.clockToleranceSeconds ?? 5,
      });
      return payload;
    } catch (error) {
      throw toProblem(error);
    }
  }
}

function toProblem(error: unknown): Error {
  if (error instanceof errors.JWTExpired)
    return new CredentialExpiredError(new Date(Number(error.payload.exp) * 1000));
  if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
    return new MarketplaceKeysUnavailableError();
  }
  if (error instanceof errors.JWTClaimValidationFailed)
    return new CredentialInvalidError(error.claim, error.reason);
  return new CredentialInvalidError();
}

const isAction = (value: unknown): value is Action => ACTIONS.includes(value as Action);

/**
 * The executor's admission rule for routes with `auth`: a valid credential for the route's `{id}` and action.
 *
 * @example
 * mountRoutes(app, routes, { authorize: credentialAuthorizer(verifier) });
 */
export function credentialAuthorizer(verifier: CredentialVerifier): Authorize<Action, Credential> {
  return async (req, action) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!match?.[1]) throw new CredentialRequiredError();
    return verifier.verify(match[1], String(req.params.id), action);
  };
}
