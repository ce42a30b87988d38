import * as z from "zod";

/**
 * What an API key may do. A wallet session holds the consumer, provider and read scopes; `arbiter` (resolving
 * disputes) belongs only to the marketplace's arbiter address.
 */
export const SCOPES = ["consumer", "provider", "read", "arbiter"] as const;
export type Scope = (typeof SCOPES)[number];

export const addressSchema = z
  .string()
  .min(30)
  .max(120)
  .regex(/^[1-9A-HJ-NP-Za-km-z]+$/, "must be a base58 Ergo address")
  .describe("Base58 P2PK Ergo address");

export const challengeRequest = z.object({ address: addressSchema });

export const challengeResponse = z.object({
  nonce: z.string(),
  message: z.string().describe("Sign this text with the wallet: EIP-12 auth (EIP-28) or sign_data"),
  expiresAt: z.iso.datetime(),
});

const hexOrBase64 = z
  .string()
  .min(2)
  .max(1024)
  .regex(/^[0-9a-fA-F]+$|^[A-Za-z0-9+/_-]+={0,2}$/, "must be hex or base64");

export const verifyRequest = z.object({
  address: addressSchema,
  nonce: z.string().min(1).max(128),
  proof: hexOrBase64.describe("The wallet's signature (hex, or base64 as EIP-28 sends it)"),
  signedMessage: z
    .string()
    .max(4096)
    .optional()
    .describe(
      "What EIP-28 `auth` returns: `<message>;<origin>;<unix time>;<random>`; omit when the message itself was signed",
    ),
});

export const sessionResponse = z.object({
  token: z.string().describe("Bearer token for this session"),
  address: z.string(),
  expiresAt: z.iso.datetime(),
});

export const scopeSchema = z.enum(SCOPES);

export const createApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(scopeSchema).min(1).max(4).describe("'arbiter' only from the arbiter's own wallet session"),
});

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the key, to recognise it"),
  scopes: z.array(scopeSchema),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe("The secret, shown this once; store it now"),
});

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });
export const idParams = z.object({ id: z.uuid() });

export type Challenge = z.output<typeof challengeResponse>;
export type VerifyRequest = z.input<typeof verifyRequest>;
export type Session = z.output<typeof sessionResponse>;
export type ApiKey = z.output<typeof apiKeySchema>;
export type CreatedApiKey = z.output<typeof createdApiKeySchema>;
