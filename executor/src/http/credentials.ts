import { CREDENTIAL_AUDIENCE, CREDENTIAL_ISSUER, CREDENTIAL_SCOPES, type CredentialScope } from "@gpuc/sdk";
import type { RequestHandler } from "express";
import { errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { HttpProblem } from "./problem.ts";

/** What a consumer's credential may allow (the wire contract's credential scopes). */
export const ACTIONS = CREDENTIAL_SCOPES;
export type Action = CredentialScope;

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
      throw new HttpProblem(
        403,
        "Credential is for another instance",
        `This credential is for instance ${String(payload.instance)}, not ${instanceId}; use the credential the marketplace issued for ${instanceId}`,
      );
    }
    if (payload.provider !== this.#options.providerId) {
      throw new HttpProblem(
        403,
        "Credential is for another provider",
        "This credential was issued for a rental on another provider's executor",
      );
    }
    if (!scope.includes(action)) {
      throw new HttpProblem(
        403,
        "Credential lacks this scope",
        `This credential allows [${scope.join(", ")}], not "${action}"; ask the marketplace for a credential with the "${action}" scope`,
      );
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

function toProblem(error: unknown): HttpProblem {
  if (error instanceof errors.JWTExpired) {
    const exp = Number(error.payload.exp);
    return new HttpProblem(
      401,
      "Credential expired",
      `The credential expired at ${new Date(exp * 1000).toISOString()} with the prepaid time; top up the rental on the marketplace for a new one`,
    );
  }
  if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
    return new HttpProblem(
      503,
      "Marketplace keys unavailable",
      "The executor cannot reach the marketplace's keys to check credentials; try again shortly",
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new HttpProblem(
      401,
      "Credential invalid",
      `The credential's "${error.claim}" claim is not valid for this executor (${error.reason})`,
    );
  }
  return new HttpProblem(
    401,
    "Credential invalid",
    "The credential is malformed or not signed by the marketplace; use the credential the marketplace issued for this rental",
  );
}

const isAction = (value: unknown): value is Action => ACTIONS.includes(value as Action);

/**
 * Middleware that admits only a valid credential for `req.params.id` and `action`, and puts it in
 * `res.locals.credential`.
 *
 * @example
 * app.post("/instances/:id/stop", requireCredential(verifier, "stop"), stopHandler);
 */
export function requireCredential(verifier: CredentialVerifier, action: Action): RequestHandler {
  return async function requireCredential(req, res, next) {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HttpProblem(
        401,
        "Credential required",
        "Send the rental's credential from the marketplace as `Authorization: Bearer <token>`",
      );
    }
    res.locals.credential = await verifier.verify(match[1]!, String(req.params.id), action);
    next();
  };
}
