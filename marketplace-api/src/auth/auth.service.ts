import { randomBytes } from "node:crypto";
import type { Logger } from "@gpuc/platform";
import { HttpError } from "@gpuc/platform/http";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import type { Clock } from "../core/clock.ts";
import { type Principal, type Scope, WALLET_SCOPES } from "../core/route.ts";
import type { ApiKeysRepository } from "./api-keys.repository.ts";
import type { AuthRepository } from "./auth.repository.ts";
import { decodeSignature, verifyWalletSignature } from "./signature.ts";
import { hashToken, newToken } from "./tokens.ts";

export interface AuthSettings {
  readonly network: NetworkName;
  /** Origins an EIP-28 signed message may name; empty accepts any. */
  readonly origins: readonly string[];
  readonly sessionTtlS: number;
  readonly challengeTtlS: number;
  /** The arbiter's P2PK address (from ARBITER_SECRET_HEX): only it holds the `arbiter` scope. */
  readonly arbiterAddress?: string;
}

export interface VerifyInput {
  address: string;
  nonce: string;
  proof: string;
  signedMessage?: string;
}

/** Wallet sign-in (challenge → signature → session) and bearer-token authentication. */
export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
  ) {}

  /** Issues a single-use, expiring nonce and the message the wallet must sign. */
  async challenge(address: string): Promise<{ nonce: string; message: string; expiresAt: string }> {
    p2pkTree(address, this.settings.network);
    const now = this.clock.now();
    const nonce = randomBytes(16).toString("hex");
    const expiresAt = new Date(now.getTime() + this.settings.challengeTtlS * 1000);
    const message = `GPUC marketplace sign-in${this.at()} for ${address}, nonce ${nonce}, valid until ${expiresAt.toISOString()}`;
    await this.repo.insertChallenge({ nonce, address, message, expires_at: expiresAt }, now);
    return { nonce, message, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Verifies the wallet's signature over the challenge (consuming the nonce whatever the outcome) and opens
   * a session. Accepts the challenge message signed as is (`sign_data`-style raw bytes) or EIP-28's
   * `<message>;<origin>;<time>;<random>` from EIP-12 `auth`.
   */
  async verify(input: VerifyInput): Promise<{ token: string; address: string; expiresAt: string }> {
    const now = this.clock.now();
    const challenge = await this.repo.consumeChallenge(input.nonce, now);
    if (!challenge) throw new HttpError(401, "Unknown or already used nonce; request a new challenge");
    if (challenge.address !== input.address) {
      throw new HttpError(
        401,
        "The nonce was issued for another address; request a challenge for this address",
      );
    }
    if (challenge.expires_at <= now) throw new HttpError(401, "The challenge expired; request a new one");
    const signed = this.signedText(challenge.message, input.signedMessage);
    if (!verifyWalletSignature(input.address, Buffer.from(signed, "utf8"), decodeSignature(input.proof))) {
      throw new HttpError(
        401,
        "The signature does not match the address and challenge; sign the challenge message again",
      );
    }
    const token = newToken("sess");
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlS * 1000);
    await this.repo.insertSession(hashToken(token), input.address, now, expiresAt);
    this.log.info("WALLET_SIGNED_IN", { address: input.address });
    return { token, address: input.address, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The marketplace's own origins, named in the challenge text: a wallet shows what it signs, so a phishing page
   * relaying our challenge makes the user sign text naming a site other than the one they are on.
   */
  private at(): string {
    const { origins } = this.settings;
    return origins.length ? ` at ${origins.join(" or ")} (sign only on that site)` : "";
  }

  private signedText(message: string, signedMessage: string | undefined): string {
    if (signedMessage === undefined) return message;
    if (!signedMessage.startsWith(`${message};`)) {
      throw new HttpError(
        401,
        "signedMessage does not contain the challenge message; sign the challenge you were given",
      );
    }
    const [origin] = signedMessage.slice(message.length + 1).split(";");
    if (this.settings.origins.length > 0 && !this.settings.origins.includes(origin ?? "")) {
      throw new HttpError(
        401,
        `The wallet signed for origin '${origin}', which this marketplace does not serve`,
      );
    }
    return signedMessage;
  }

  /** The caller behind `Authorization: Bearer <token>` (session or API key), or undefined. */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    const token = bearerToken(authorization);
    if (!token) return undefined;
    const now = this.clock.now();
    if (isApiKey(token)) {
      const key = await this.apiKeys.useActive(hashToken(token), now);
      if (!key) throw new HttpError(401, "This API key is unknown or revoked; create a new one");
      // An arbiter key stops carrying the scope once the marketplace's arbiter key changes.
      const scopes = key.scopes.filter((scope) => scope !== "arbiter" || this.isArbiter(key.address));
      return { address: key.address, scopes, via: "api_key", apiKeyId: key.id };
    }
    const session = await this.repo.findActiveSession(hashToken(token), now);
    if (!session) throw new HttpError(401, "The session expired or was signed out; sign in again");
    const scopes: Scope[] = [...WALLET_SCOPES];
    if (this.isArbiter(session.address)) scopes.push("arbiter");
    return { address: session.address, scopes, via: "session" };
  }

  isArbiter(address: string): boolean {
    return this.settings.arbiterAddress !== undefined && address === this.settings.arbiterAddress;
  }

  /**
   * Deletes expired challenges: `POST /auth/challenge` is open to anyone, so its rows must not pile up. Run
   * periodically (the marketplace's monitor does, every heartbeat interval). Resolves to how many went.
   */
  async pruneChallenges(): Promise<number> {
    const deleted = await this.repo.deleteExpiredChallenges(this.clock.now());
    if (deleted) this.log.info("AUTH_CHALLENGES_PRUNED", { deleted });
    return deleted;
  }

  async signOut(authorization: string | undefined): Promise<void> {
    const token = bearerToken(authorization);
    if (token && !isApiKey(token)) await this.repo.revokeSession(hashToken(token), this.clock.now());
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
}

/** API keys carry the `gpuc` prefix `newToken` gives them; sessions `sess`. */
function isApiKey(token: string): boolean {
  return token.startsWith("gpuc_");
}
