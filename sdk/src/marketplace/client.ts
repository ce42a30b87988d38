import * as z from "zod";
import type { CallOptions, HttpClientOptions, TokenSource } from "../http/client.ts";
import { HttpClient } from "../http/client.ts";
import { ResponseSchemaError } from "../http/errors.ts";
import { type SubscribeOptions, subscribe } from "../http/sse.ts";
import { instanceReceiptsResponse, type ReceiptBatch, receiptBatchAckSchema } from "../receipts/receipts.ts";
import {
  apiKeyListSchema,
  apiKeySchema,
  type Challenge,
  challengeResponse,
  createdApiKeySchema,
  type Scope,
  type Session,
  sessionResponse,
  type VerifyRequest,
} from "./auth.ts";
import {
  type BridgeSwapRequest,
  bridgeInSchema,
  bridgeSwapSchema,
  bridgeTokensSchema,
  type Deposit,
  type DepositListQuery,
  depositPage,
  depositSchema,
  type WithdrawRequest,
  whitelistProposalSchema,
  withdrawQuoteSchema,
} from "./bridge.ts";
import { gpuChallengeList, gpuChallengeSchema, type SignedGpuChallengeAnswer } from "./challenges.ts";
import { type CredentialScope, credentialSchema, jwksSchema } from "./credentials.ts";
import { exitTxSchema } from "./exit.ts";
import { type GpuSearch, gpuPage, gpuSchema } from "./gpus.ts";
import { heartbeatResponse, type SignedHeartbeat } from "./heartbeats.ts";
import {
  type CreateInstanceRequest,
  createdInstanceSchema,
  type Instance,
  type InstanceEvent,
  instancePage,
  instanceSchema,
  type Rental,
  rentalSchema,
} from "./instances.ts";
import type { Listing } from "./listing.ts";
import { type OrderListQuery, orderPage, orderSchema, type QuoteRequest, quoteSchema } from "./onramp.ts";
import { protocolTotalsSchema } from "./protocol-totals.ts";
import {
  listingHashResponse,
  providerListSchema,
  providerSchema,
  type RegisterProviderRequest,
  type UpdateListingRequest,
} from "./providers.ts";
import { receiptMismatchesResponse } from "./reconciliation.ts";
import { reputationSchema } from "./reputation.ts";
import {
  type CreateStakeRequest,
  earningsSchema,
  executorStatusSchema,
  ownStakeSchema,
  stakeStateSchema,
  stakeTxSchema,
  type TopUpStakeRequest,
} from "./stakes.ts";
import { type InstanceState, LIVE_STATES } from "./states.ts";
import { statusSchema } from "./status.ts";
import {
  INSTANCE_STREAM_EVENT,
  type InstanceStreamQuery,
  PROVIDER_RENTAL_EVENT,
  type ProviderRentalEvent,
  providerRentalEventSchema,
} from "./streams.ts";
import type { SignedTxInput } from "./transactions.ts";
import {
  creditAccountSchema,
  creditTxSchema,
  type SwapRequest,
  submittedTxSchema,
  swapTokensSchema,
  swapTxSchema,
} from "./wallet.ts";

export type MarketplaceClientOptions = HttpClientOptions;

/** A wallet that proves its address by signing the marketplace's challenge text. */
export interface ChallengeSigner {
  readonly address: string;
  /**
   * The proof (hex or base64) of `message`: the signature of its UTF-8 bytes, or with EIP-12 `auth` (EIP-28) the
   * signature and the `signedMessage` the wallet actually signed.
   */
  signChallenge(
    message: string,
  ): { proof: string; signedMessage?: string } | Promise<{ proof: string; signedMessage?: string }>;
}

/** The executor's rental list: the rentals it can run, and any it cannot read (logged, skipped). */
export interface AssignedRentals {
  readonly rentals: Rental[];
  readonly unreadable: { readonly item: unknown; readonly issues: readonly string[] }[];
}

const id = (value: string) => encodeURIComponent(value);
const itemsOfAnything = z.object({ items: z.array(z.unknown()) });
const openApiDocument = z.record(z.string(), z.unknown());

/**
 * The marketplace API, one typed method per route, every response validated with the API's own schemas. Public
 * routes send no credentials; the others send `auth` (a wallet session token from `signIn`, or an API key).
 *
 * @example
 * const market = new MarketplaceClient({ baseUrl: "http://127.0.0.1:8080" });
 * const { token } = await market.signIn(wallet);
 * const mine = market.withAuth(token);
 * const { items } = await mine.listInstances({ state: "Running" });
 */
export class MarketplaceClient {
  readonly http: HttpClient;

  constructor(options: MarketplaceClientOptions | HttpClient) {
    this.http =
      options instanceof HttpClient ? options : new HttpClient({ service: "The marketplace", ...options });
  }

  /** The same client with other credentials. */
  withAuth(auth: string | TokenSource | undefined): MarketplaceClient {
    return new MarketplaceClient(this.http.withAuth(auth));
  }

  status(options?: CallOptions) {
    return this.#get("/api/v1/status", statusSchema, options, true);
  }

  /** The auditor's totals: supply, Bank, debts, the LETS invariant checked live, escrows, claims and fees per day. */
  protocolTotals(options?: CallOptions) {
    return this.#get("/api/v1/protocol/totals", protocolTotalsSchema, options, true);
  }

  /** The auditor's reconciliation of settlements against usage receipts: findings by kind (0 expected), the latest. */
  receiptMismatches(options?: CallOptions) {
    return this.#get("/api/v1/protocol/receipt-mismatches", receiptMismatchesResponse, options, true);
  }

  openApi(options?: CallOptions) {
    return this.#get("/api/v1/openapi.json", openApiDocument, options, true);
  }

  /** The keys instance credentials are signed with (executors verify with them). */
  jwks(options?: CallOptions) {
    return this.#get("/.well-known/jwks.json", jwksSchema, options, true);
  }

  // — Sign-in and API keys —

  challenge(address: string, options?: CallOptions): Promise<Challenge> {
    return this.#post("/api/v1/auth/challenge", { address }, challengeResponse, options, true);
  }

  verify(request: VerifyRequest, options?: CallOptions): Promise<Session> {
    return this.#post("/api/v1/auth/verify", request, sessionResponse, options, true);
  }

  /** Challenge → the wallet's signature → a session (its `token` is the bearer credential). */
  async signIn(signer: ChallengeSigner, options?: CallOptions): Promise<Session> {
    const challenge = await this.challenge(signer.address, options);
    const signed = await signer.signChallenge(challenge.message);
    return this.verify({ address: signer.address, nonce: challenge.nonce, ...signed }, options);
  }

  /** Ends the session whose token this client sends. */
  signOut(options?: CallOptions): Promise<void> {
    return this.http.empty({ method: "POST", path: "/api/v1/auth/logout" }, options);
  }

  createApiKey(request: { name: string; scopes: readonly Scope[] }, options?: CallOptions) {
    return this.#post("/api/v1/api-keys", request, createdApiKeySchema, options);
  }

  listApiKeys(options?: CallOptions) {
    return this.#get("/api/v1/api-keys", apiKeyListSchema, options);
  }

  revokeApiKey(apiKeyId: string, options?: CallOptions) {
    return this.http.json(
      { method: "DELETE", path: `/api/v1/api-keys/${id(apiKeyId)}` },
      apiKeySchema,
      options,
    );
  }

  // — Providers —

  /** The hash to write into the stake box's R5 for `listing` (also `listingHash` here, offline). */
  listingHash(listing: Listing, options?: CallOptions) {
    return this.#post("/api/v1/listings/hash", listing, listingHashResponse, options, true);
  }

  registerProvider(request: RegisterProviderRequest, options?: CallOptions) {
    return this.#post("/api/v1/providers", request, providerSchema, options);
  }

  /** The providers the caller's wallet owns. */
  async myProviders(options?: CallOptions) {
    return (await this.#get("/api/v1/providers", providerListSchema, options)).items;
  }

  provider(providerId: string, options?: CallOptions) {
    return this.#get(`/api/v1/providers/${id(providerId)}`, providerSchema, options, true);
  }

  updateListing(providerId: string, request: UpdateListingRequest, options?: CallOptions) {
    return this.http.json(
      { method: "PUT", path: `/api/v1/providers/${id(providerId)}/listing`, body: request },
      providerSchema,
      options,
    );
  }

  /** A provider's stake on chain, with the minimum per GPU and the unbonding clock. */
  providerStake(providerId: string, options?: CallOptions) {
    return this.#get(`/api/v1/providers/${id(providerId)}/stake`, stakeStateSchema, options, true);
  }

  /** Your provider's earnings: GPUC per day and every payout with its transaction. */
  providerEarnings(providerId: string, options?: CallOptions) {
    return this.#get(`/api/v1/providers/${id(providerId)}/earnings`, earningsSchema, options);
  }

  /** A provider's executor: online, last heartbeat, reliability, uptime per day. */
  /** A provider's reputation: the score and its parts per UTC day (no sign-in needed). */
  reputation(providerId: string, options?: CallOptions) {
    return this.#get(`/api/v1/providers/${id(providerId)}/reputation`, reputationSchema, options, true);
  }

  executorStatus(providerId: string, options?: CallOptions) {
    return this.#get(`/api/v1/providers/${id(providerId)}/executor`, executorStatusSchema, options, true);
  }

  /** Your own stake (also before you list as a provider), with the minimum stake per GPU. */
  ownStake(options?: CallOptions) {
    return this.#get("/api/v1/wallet/stake", ownStakeSchema, options);
  }

  /** The unsigned transaction staking `amount` nanoERG behind `listing` (a new stake box). */
  createStakeTx(request: CreateStakeRequest, options?: CallOptions) {
    return this.#post("/api/v1/wallet/stake/create", request, stakeTxSchema, options);
  }

  /** The unsigned top-up of your stake (optionally pointing it at a new listing). */
  topUpStakeTx(request: TopUpStakeRequest, options?: CallOptions) {
    return this.#post("/api/v1/wallet/stake/top-up", request, stakeTxSchema, options);
  }

  /** The unsigned start of unbonding your stake. */
  unbondStakeTx(options?: CallOptions) {
    return this.#post("/api/v1/wallet/stake/unbond", undefined, stakeTxSchema, options);
  }

  /** The unsigned withdrawal of your whole stake (after unbonding). */
  withdrawStakeTx(options?: CallOptions) {
    return this.#post("/api/v1/wallet/stake/withdraw", undefined, stakeTxSchema, options);
  }

  // — GPU offers —

  searchGpus(search: GpuSearch = {}, options?: CallOptions) {
    const query = Object.fromEntries(
      Object.entries(search).map(([key, value]) => [key, value === undefined ? undefined : String(value)]),
    );
    return this.http.json({ method: "GET", path: "/api/v1/gpus", query, anonymous: true }, gpuPage, options);
  }

  gpu(gpuId: string, options?: CallOptions) {
    return this.#get(`/api/v1/gpus/${id(gpuId)}`, gpuSchema, options, true);
  }

  // — Rentals (instances) —

  /** Reserves the offer and returns the instance with the unsigned escrow transaction to sign. */
  createInstance(request: CreateInstanceRequest, options?: CallOptions) {
    return this.#post("/api/v1/instances", request, createdInstanceSchema, options);
  }

  /** Submits the wallet-signed escrow transaction. */
  fundInstance(instanceId: string, signedTx: SignedTxInput, options?: CallOptions) {
    return this.#post(`/api/v1/instances/${id(instanceId)}/funding`, { signedTx }, instanceSchema, options);
  }

  listInstances(filter: InstanceListFilter = {}, options?: CallOptions) {
    const { state, page, limit } = filter;
    return this.http.json(
      { method: "GET", path: "/api/v1/instances", query: { state, page, limit } },
      instancePage,
      options,
    );
  }

  instance(instanceId: string, options?: CallOptions) {
    return this.#get(`/api/v1/instances/${id(instanceId)}`, instanceSchema, options);
  }

  /**
   * Live instance state (`GET /api/v1/instances/stream`, server-sent events over fetch with the bearer token):
   * yields the current state of the instance (`id`), or of the caller's instances, then each change as it is
   * committed. Reconnects with Last-Event-ID after a drop (and is sent what changed meanwhile); ends when
   * `options.signal` aborts (throwing its reason) or the marketplace refuses (a `ProblemError`).
   *
   * @example
   * for await (const instance of mine.instanceStream({ id }, { signal })) if (instance.state === "Running") break;
   */
  async *instanceStream(
    query: InstanceStreamQuery = {},
    options: SubscribeOptions = {},
  ): AsyncGenerator<Instance, void, undefined> {
    yield* this.#events("/api/v1/instances/stream", query, INSTANCE_STREAM_EVENT, instanceSchema, options);
  }

  stopInstance(instanceId: string, options?: CallOptions) {
    return this.#post(`/api/v1/instances/${id(instanceId)}/stop`, undefined, instanceSchema, options);
  }

  /** A top-up: the unsigned transaction adding `hours` to the escrow. */
  extendInstance(instanceId: string, hours: number, options?: CallOptions) {
    return this.#post(
      `/api/v1/instances/${id(instanceId)}/extend`,
      { hours },
      createdInstanceSchema,
      options,
    );
  }

  fundExtension(instanceId: string, signedTx: SignedTxInput, options?: CallOptions) {
    return this.#post(
      `/api/v1/instances/${id(instanceId)}/extend/funding`,
      { signedTx },
      instanceSchema,
      options,
    );
  }

  /** Consumer exit: the unsigned transaction taking the escrow back without the provider, and its split. */
  exitInstance(instanceId: string, options?: CallOptions) {
    return this.#post(`/api/v1/instances/${id(instanceId)}/exit`, undefined, exitTxSchema, options);
  }

  /** Submits the wallet-signed consumer exit; the rental stops. */
  submitExit(instanceId: string, signedTx: SignedTxInput, options?: CallOptions) {
    return this.#post(
      `/api/v1/instances/${id(instanceId)}/exit/funding`,
      { signedTx },
      instanceSchema,
      options,
    );
  }

  disputeInstance(instanceId: string, reason: string, options?: CallOptions & { receiptLeaf?: string }) {
    const body = { reason, receiptLeaf: options?.receiptLeaf };
    return this.#post(`/api/v1/instances/${id(instanceId)}/dispute`, body, instanceSchema, options);
  }

  /**
   * Arbiter only: settles a dispute on chain with `providerShare` GPUC units (gross) to the provider, recording the
   * usage receipt it was about (`receiptLeaf`, default the one the dispute named).
   */
  resolveDispute(
    instanceId: string,
    providerShare: bigint | string,
    options?: CallOptions & { receiptLeaf?: string },
  ) {
    const body = { providerShare: String(providerShare), receiptLeaf: options?.receiptLeaf };
    return this.#post(`/api/v1/instances/${id(instanceId)}/resolve`, body, instanceSchema, options);
  }

  /** The credential the provider's executor accepts for this instance (all scopes unless `scope` names some). */
  issueCredential(instanceId: string, scope?: readonly CredentialScope[], options?: CallOptions) {
    const body = scope ? { scope } : {};
    return this.#post(`/api/v1/instances/${id(instanceId)}/credentials`, body, credentialSchema, options);
  }

  // — The provider's executor —

  /**
   * The provider's executor: a push each time one of its rentals changes (`GET
   * /api/v1/providers/{providerId}/instances/stream`, server-sent events), and a `sync` on every (re)connect;
   * reconnects after a drop. Ends when `options.signal` aborts (throwing its reason) or on a `ProblemError`.
   *
   * @example
   * for await (const event of executor.providerRentalStream(providerId, { signal })) await syncAssigned();
   */
  async *providerRentalStream(
    providerId: string,
    options: SubscribeOptions = {},
  ): AsyncGenerator<ProviderRentalEvent, void, undefined> {
    const path = `/api/v1/providers/${id(providerId)}/instances/stream`;
    yield* this.#events(path, {}, PROVIDER_RENTAL_EVENT, providerRentalEventSchema, options);
  }

  /** What this provider's executor must run (Funded, Starting, Running, Stopping by default). */
  async assignedRentals(
    providerId: string,
    options: CallOptions & { states?: readonly InstanceState[] } = {},
  ): Promise<AssignedRentals> {
    const { states = LIVE_STATES, ...call } = options;
    const path = `/api/v1/providers/${id(providerId)}/instances`;
    const page = await this.http.json(
      { method: "GET", path, query: { state: states.join(",") } },
      itemsOfAnything,
      call,
    );
    const result: AssignedRentals = { rentals: [], unreadable: [] };
    // One rental the executor cannot read must not stop it from running the others.
    for (const item of page.items) {
      const parsed = rentalSchema.safeParse(item);
      if (parsed.success) result.rentals.push(parsed.data);
      else result.unreadable.push({ item, issues: parsed.error.issues.map((issue) => issue.message) });
    }
    return result;
  }

  /** Reports a rental's new state (with the close reason and billed seconds). */
  reportEvent(instanceId: string, event: InstanceEvent, options?: CallOptions) {
    return this.#post(`/api/v1/instances/${id(instanceId)}/events`, event, instanceSchema, options);
  }

  // — Wallet transactions (built by the marketplace, signed by the wallet, submitted with submitTransaction) —

  /** The signed-in address's Credit Account as confirmed on chain (a 404 problem when it has none). */
  creditAccount(options?: CallOptions) {
    return this.#get("/api/v1/wallet/credit", creditAccountSchema, options);
  }

  /**
   * The unsigned credit transaction and the account's health after it: `open` and `collateral/*` take nanoERG,
   * `draw` and `repay` GPUC units. A builder refusal is a 422 `ProblemError` with the builder's message.
   */
  creditTx(
    action: "open" | "collateral/add" | "collateral/withdraw" | "draw" | "repay",
    amount: bigint | string,
    options?: CallOptions,
  ) {
    return this.#post(`/api/v1/wallet/credit/${action}`, { amount: String(amount) }, creditTxSchema, options);
  }

  /** The stable tokens the Bank swaps into GPUC. */
  swapTokens(options?: CallOptions) {
    return this.#get("/api/v1/wallet/swap", swapTokensSchema, options, true);
  }

  /** The unsigned Bank swap-in of `amount` units of a whitelisted token, and the GPUC it pays. */
  swapTx(request: SwapRequest, options?: CallOptions) {
    return this.#post("/api/v1/wallet/swap", request, swapTxSchema, options);
  }

  /** Submits any wallet-signed transaction to the node; the node's refusal is a 422 with its reason. */
  submitTransaction(signedTx: SignedTxInput, options?: CallOptions) {
    return this.#post("/api/v1/transactions", { signedTx }, submittedTxSchema, options);
  }

  // — Fiat on-ramp (when the marketplace runs one) —

  /** Prices GPUC in USD: `{ gpuc: "25" }` or `{ usd: "20" }`; the quote is valid until its `expiresAt`. */
  onrampQuote(request: QuoteRequest, options?: CallOptions) {
    return this.#post("/api/v1/onramp/quotes", request, quoteSchema, options);
  }

  /** The order for a quote and its Stripe Checkout URL; the same quote returns the same order. */
  onrampCheckout(quoteId: string, options?: CallOptions) {
    return this.#post("/api/v1/onramp/orders", { quoteId }, orderSchema, options);
  }

  onrampOrder(orderId: string, options?: CallOptions) {
    return this.#get(`/api/v1/onramp/orders/${id(orderId)}`, orderSchema, options);
  }

  /** This wallet's orders, or with `admin` (the arbiter's key) every order. */
  onrampOrders(query: Partial<OrderListQuery> = {}, options?: CallOptions & { admin?: boolean }) {
    const path = options?.admin ? "/api/v1/onramp/admin/orders" : "/api/v1/onramp/orders";
    const search = Object.fromEntries(
      Object.entries(query).map(([key, value]) => [key, value === undefined ? undefined : String(value)]),
    );
    return this.http.json({ method: "GET", path, query: search }, orderPage, options);
  }

  /** Operator: moves a stuck order again. */
  onrampRetry(orderId: string, options?: CallOptions) {
    return this.#post(`/api/v1/onramp/admin/orders/${id(orderId)}/retry`, {}, orderSchema, options);
  }

  /** Operator: a refund or dispute after delivery has been dealt with. */
  onrampHandled(orderId: string, options?: CallOptions) {
    return this.#post(`/api/v1/onramp/admin/orders/${id(orderId)}/handled`, {}, orderSchema, options);
  }

  /** Executor: this provider's GPU verification challenges still waiting for an answer. */
  async openGpuChallenges(providerId: string, options?: CallOptions) {
    const path = `/api/v1/providers/${id(providerId)}/challenges`;
    return (await this.http.json({ method: "GET", path }, gpuChallengeList, options)).items;
  }

  /** A provider's latest GPU verification challenges and their verdicts, newest first (no sign-in needed). */
  async recentGpuChallenges(providerId: string, options?: CallOptions) {
    const path = `/api/v1/providers/${id(providerId)}/challenges/recent`;
    return (await this.http.json({ method: "GET", path, anonymous: true }, gpuChallengeList, options)).items;
  }

  /** Executor: the signed benchmark result (or busy) for one challenge; answers the judged challenge. */
  answerGpuChallenge(providerId: string, answer: SignedGpuChallengeAnswer, options?: CallOptions) {
    return this.#post(
      `/api/v1/providers/${id(providerId)}/challenges/${id(answer.challengeId)}/answer`,
      answer,
      gpuChallengeSchema,
      options,
    );
  }

  sendHeartbeat(providerId: string, heartbeat: SignedHeartbeat, options?: CallOptions) {
    return this.#post(
      `/api/v1/providers/${id(providerId)}/heartbeats`,
      heartbeat,
      heartbeatResponse,
      options,
    );
  }

  /**
   * Executor: publishes the signed receipts one settlement transaction (claim or provider close) carries the root of.
   * Idempotent on the tx id: the same batch again is 200, another batch for a known tx id a 409 problem.
   */
  putReceiptBatch(providerId: string, batch: ReceiptBatch, options?: CallOptions) {
    return this.http.json(
      {
        method: "PUT",
        path: `/api/v1/providers/${id(providerId)}/receipt-batches/${id(batch.txId)}`,
        body: batch,
      },
      receiptBatchAckSchema,
      options,
    );
  }

  /** An instance's usage receipts, each with its Merkle proof and what the marketplace checked (consumer, provider, arbiter). */
  instanceReceipts(instanceId: string, options?: CallOptions) {
    return this.#get(`/api/v1/instances/${id(instanceId)}/receipts`, instanceReceiptsResponse, options);
  }

  // --- Rosen Bridge (/api/v1/bridge): see ./bridge.ts ---

  /** The token map's tokens on Ergo, each with whether it swaps into GPUC (and at what rate) or why not. */
  bridgeTokens(options?: CallOptions) {
    return this.#get("/api/v1/bridge/tokens", bridgeTokensSchema, options, true);
  }

  /** Bridge in: per source chain, what to lock in Rosen's app and the Ergo address to name (this wallet's). */
  bridgeIn(options?: CallOptions) {
    return this.#get("/api/v1/bridge/in", bridgeInSchema, options);
  }

  /** Bridged tokens that arrived at this wallet, newest first. */
  bridgeDeposits(query: Partial<DepositListQuery> = {}, options?: CallOptions) {
    const search = Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)]));
    return this.http.json(
      { method: "GET", path: "/api/v1/bridge/deposits", query: search },
      depositPage,
      options,
    );
  }

  /**
   * This wallet's deposits as they confirm (server-sent events, reconnecting); ends when `options.signal` aborts.
   *
   * @example
   * for await (const deposit of mine.bridgeDepositStream({ signal })) toast(`${deposit.amount} ${deposit.tokenName} arrived`);
   */
  async *bridgeDepositStream(options: SubscribeOptions = {}): AsyncGenerator<Deposit, void, undefined> {
    yield* this.#events("/api/v1/bridge/deposits/stream", {}, "deposit", depositSchema, options);
  }

  /** The unsigned swap of a bridged stable into GPUC (sign it with the wallet, then submit it to the node). */
  bridgeSwap(request: BridgeSwapRequest, options?: CallOptions) {
    return this.#post("/api/v1/bridge/swaps", request, bridgeSwapSchema, options);
  }

  /** Config admin: the whitelist the token map gives at today's prices, and the unsigned Config update setting it. */
  bridgeWhitelistProposal(options?: CallOptions) {
    return this.#get("/api/v1/bridge/whitelist/proposal", whitelistProposalSchema, options);
  }

  /** A withdrawal's quote (fees, what arrives) and its unsigned transaction: swap out + Rosen lock box. */
  bridgeWithdrawQuote(request: WithdrawRequest, options?: CallOptions) {
    return this.#post("/api/v1/bridge/withdrawals/quote", request, withdrawQuoteSchema, options);
  }

  /** A server-sent event stream's `name` events, each validated with `schema` (a mismatch throws, as a response would). */
  async *#events<S extends z.ZodType>(
    path: string,
    query: Record<string, string | undefined>,
    name: string,
    schema: S,
    options: SubscribeOptions,
  ): AsyncGenerator<z.output<S>, void, undefined> {
    for await (const event of subscribe(this.http, { method: "GET", path, query }, options)) {
      if (event.event !== name) continue;
      const parsed = schema.safeParse(parseJson(event.data));
      if (!parsed.success) {
        const request = {
          service: this.http.service,
          method: "GET" as const,
          path,
          url: this.http.baseUrl + path,
        };
        throw new ResponseSchemaError(
          request,
          200,
          parsed.error.issues.map((issue) => issue.message),
        );
      }
      yield parsed.data;
    }
  }

  #get<S extends z.ZodType>(path: string, schema: S, options?: CallOptions, anonymous = false) {
    return this.http.json({ method: "GET", path, anonymous }, schema, options);
  }

  #post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: CallOptions,
    anonymous = false,
  ) {
    return this.http.json({ method: "POST", path, body, anonymous }, schema, options);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The filters of `listInstances`; unset ones are left out (the server defaults to page 1 of 20). */
export interface InstanceListFilter {
  readonly state?: InstanceState;
  readonly page?: number;
  readonly limit?: number;
}
