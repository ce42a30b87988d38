import * as z from "zod";

/** What a consumer's instance credential may allow on the provider's executor. */
export const CREDENTIAL_SCOPES = ["logs", "exec", "ports", "stop"] as const;
export type CredentialScope = (typeof CREDENTIAL_SCOPES)[number];

/**
 * Every action an executor authorises by a marketplace credential: the consumer's scopes, and `precheck`, which
 * only the marketplace itself holds (it asks an executor about a rental before the consumer pays).
 */
export const EXECUTOR_ACTIONS = [...CREDENTIAL_SCOPES, "precheck"] as const;
export type ExecutorAction = (typeof EXECUTOR_ACTIONS)[number];

/** The `iss` and `aud` of every instance credential (an EdDSA JWT the marketplace signs for executors). */
export const CREDENTIAL_ISSUER = "gpuc-marketplace";
export const CREDENTIAL_AUDIENCE = "gpuc-executor";

export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.string(),
      crv: z.string(),
      x: z.string(),
      kid: z.string(),
      alg: z.string(),
      use: z.string(),
    }),
  ),
});

export const issueCredentialRequest = z.object({
  scope: z.array(z.enum(CREDENTIAL_SCOPES)).min(1).max(4).optional().describe("Defaults to every scope"),
});

export const credentialSchema = z.object({
  token: z.string().describe("JWT (EdDSA) for the executor: 'Authorization: Bearer <token>'"),
  instanceId: z.uuid(),
  providerId: z.uuid(),
  scope: z.array(z.enum(CREDENTIAL_SCOPES)),
  expiresAt: z.iso.datetime().describe("When the prepaid hours end"),
});

export type Jwks = z.output<typeof jwksSchema>;
export type Credential = z.output<typeof credentialSchema>;
