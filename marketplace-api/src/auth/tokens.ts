import { createHash, randomBytes } from "node:crypto";

/** A bearer secret: a recognisable prefix and 32 random bytes (base64url). */
export function newToken(prefix: "gpuc" | "sess"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** Secrets are stored only as their sha256, so a database leak gives no usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
