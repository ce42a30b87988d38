import { type Authorize, HttpError } from "@gpuc/platform/http";
import type { Request } from "express";
import type { Principal, Requirement } from "./route.ts";

/** Resolves the caller from the request's credentials; undefined when none were presented. */
export type Authenticate = (req: Request) => Promise<Principal | undefined>;

/**
 * The marketplace's admission rule for routes with `auth`: a session or API key (401 without), holding the
 * route's scope (403 without; `"any"` admits every signed-in caller).
 */
export function scopeAuthorizer(authenticate: Authenticate): Authorize<Requirement, Principal> {
  return async (req, requirement) => {
    const principal = await authenticate(req);
    if (!principal) {
      throw new HttpError(
        401,
        "Sign in with your wallet or pass an API key as 'Authorization: Bearer <token>'",
      );
    }
    if (requirement !== "any" && !principal.scopes.includes(requirement)) {
      throw new HttpError(403, `This API key lacks the '${requirement}' scope; create a key with that scope`);
    }
    return principal;
  };
}
