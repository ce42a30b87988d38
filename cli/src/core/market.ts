import type { Signer } from "@gpuc/offchain";
import { type ChallengeSigner, MarketplaceClient } from "@gpuc/sdk";

/** A wallet key as the marketplace's sign-in wants it: it signs the challenge text as is (a hex proof). */
export function challengeSigner(signer: Signer): ChallengeSigner {
  return {
    address: signer.address,
    signChallenge: (message) => ({
      proof: Buffer.from(signer.signMessage(new TextEncoder().encode(message))).toString("hex"),
    }),
  };
}

/** A session this close to its expiry is renewed before use. */
const SESSION_RENEW_MS = 60_000;

/**
 * The marketplace for a wallet: @gpuc/sdk's client, signed in with the wallet's key on the first call that needs
 * credentials (challenge → signature → session, reused until a minute before it expires; a failed sign-in is tried again on the next
 * call). Without a signer, the public routes only.
 *
 * @example
 * const market = marketplaceFor("http://127.0.0.1:8080", wallet.signer);
 * const { items } = await market.listInstances();
 */
export function marketplaceFor(url: string, signer?: Signer): MarketplaceClient {
  const anonymous = new MarketplaceClient({ baseUrl: url });
  if (!signer) return anonymous;
  // One sign-in per client, reused until a minute before it expires (sign-in is rate-limited per IP).
  let session: Promise<{ token: string; expiresAt: string }> | undefined;
  const fresh = async () => {
    const current = await session?.catch(() => undefined);
    return current && Date.parse(current.expiresAt) - Date.now() > SESSION_RENEW_MS;
  };
  return anonymous.withAuth(async (signal) => {
    if (!session || !(await fresh())) {
      const attempt = anonymous.signIn(challengeSigner(signer), { signal });
      attempt.catch(() => {
        if (session === attempt) session = undefined;
      });
      session = attempt;
    }
    return (await session).token;
  });
}
