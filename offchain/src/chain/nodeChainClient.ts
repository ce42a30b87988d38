import type { ChainClient } from "./chainClient.ts";
import { ChainRejectedError, ChainRequestError, ChainUnreachableError } from "./errors.ts";
import { parseNodeJson, stringifyForNode } from "./json.ts";
import type {
  BlockHeader,
  ChainBox,
  IndexedTransaction,
  NodeInfo,
  SignedTransaction,
  UnspentQuery,
} from "./types.ts";

const PAGE = 100;
/** The devnet holds a `/devnet/blocks/next` request a minute at most. */
const MAX_BLOCK_WAIT_MS = 60_000;

export interface NodeChainClientOptions {
  /** The node's `api_key`, for the few endpoints that want one; never logged. */
  apiKey?: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

/**
 * ChainClient over the Ergo node REST API (a node with `extraIndex = true`, or the GPUC devnet).
 *
 * @example
 * const chain = new NodeChainClient("http://127.0.0.1:9052");
 * const boxes = await chain.unspentByAddress(address);
 */
export class NodeChainClient implements ChainClient {
  readonly #url: string;
  readonly #options: NodeChainClientOptions;

  constructor(url: string, options: NodeChainClientOptions = {}) {
    this.#url = url.replace(/\/+$/, "");
    this.#options = options;
  }

  get url(): string {
    return this.#url;
  }

  info(): Promise<NodeInfo> {
    return this.#get<NodeInfo>("/info") as Promise<NodeInfo>;
  }

  async height(): Promise<number> {
    return (await this.info()).fullHeight ?? 0;
  }

  async lastHeaders(count: number): Promise<BlockHeader[]> {
    return (await this.#get<BlockHeader[]>(`/blocks/lastHeaders/${count}`)) ?? [];
  }

  async headerIdsAt(height: number): Promise<string[]> {
    return (await this.#get<string[]>(`/blocks/at/${height}`)) ?? [];
  }

  async header(headerId: string): Promise<BlockHeader> {
    const header = await this.#get<BlockHeader>(`/blocks/${headerId}/header`);
    if (!header) throw new ChainRequestError("GET", `/blocks/${headerId}/header`, 404, "no such header");
    return header;
  }

  async blockTransactions(headerId: string): Promise<SignedTransaction[]> {
    const block = await this.#get<{ transactions: SignedTransaction[] }>(`/blocks/${headerId}/transactions`);
    return block?.transactions ?? [];
  }

  async nextBlock(
    above: number,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<number | undefined> {
    const waitMs = Math.min(options.timeoutMs, MAX_BLOCK_WAIT_MS);
    const path = `/devnet/blocks/next?above=${above}&timeoutMs=${waitMs}`;
    // The request is held up to waitMs by design: the client's own timeout comes on top of it.
    const timeout = AbortSignal.timeout(waitMs + (this.#options.timeoutMs ?? 15_000));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const answer = await this.#json<{ height: number }>("GET", path, undefined, signal);
    return answer?.height;
  }

  unspentBox(boxId: string, options: { withPool?: boolean } = {}): Promise<ChainBox | undefined> {
    return this.#get<ChainBox>(
      options.withPool === false ? `/utxo/byId/${boxId}` : `/utxo/withPool/byId/${boxId}`,
    );
  }

  indexedBox(boxId: string): Promise<ChainBox | undefined> {
    return this.#get<ChainBox>(`/blockchain/box/byId/${boxId}`);
  }

  unspentByAddress(address: string, query?: UnspentQuery): Promise<ChainBox[]> {
    return this.#allPages(
      (params) => this.#post<ChainBox[]>(`/blockchain/box/unspent/byAddress?${params}`, address),
      query,
    );
  }

  unspentByErgoTree(ergoTree: string, query?: UnspentQuery): Promise<ChainBox[]> {
    return this.#allPages(
      (params) => this.#post<ChainBox[]>(`/blockchain/box/unspent/byErgoTree?${params}`, ergoTree),
      query,
    );
  }

  unspentByTokenId(tokenId: string, query?: UnspentQuery): Promise<ChainBox[]> {
    return this.#allPages(
      (params) => this.#get<ChainBox[]>(`/blockchain/box/unspent/byTokenId/${tokenId}?${params}`),
      query,
    );
  }

  transaction(txId: string): Promise<IndexedTransaction | undefined> {
    return this.#get<IndexedTransaction>(`/blockchain/transaction/byId/${txId}`);
  }

  unconfirmedTransaction(txId: string): Promise<SignedTransaction | undefined> {
    return this.#get<SignedTransaction>(`/transactions/unconfirmed/byTransactionId/${txId}`);
  }

  submit(tx: SignedTransaction): Promise<string> {
    return this.#sendTransaction("/transactions", tx);
  }

  check(tx: SignedTransaction): Promise<string> {
    return this.#sendTransaction("/transactions/check", tx);
  }

  async #sendTransaction(path: string, tx: SignedTransaction): Promise<string> {
    const response = await this.#fetch("POST", path, stringifyForNode(tx));
    const text = await response.text();
    if (response.status === 400) throw new ChainRejectedError(tx.id, apiErrorDetail(text));
    if (!response.ok) throw new ChainRequestError("POST", path, response.status, apiErrorDetail(text));
    return JSON.parse(text) as string;
  }

  async #allPages(page: (params: string) => Promise<ChainBox[] | undefined>, query: UnspentQuery = {}) {
    const boxes: ChainBox[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const params = new URLSearchParams({
        offset: String(offset),
        limit: String(PAGE),
        sortDirection: "asc",
        includeUnconfirmed: String(query.includeUnconfirmed ?? true),
        excludeMempoolSpent: String(query.excludeMempoolSpent ?? true),
      });
      const items = (await page(params.toString())) ?? [];
      boxes.push(...items);
      if (items.length < PAGE) return boxes;
    }
  }

  #get<T>(path: string): Promise<T | undefined> {
    return this.#json<T>("GET", path);
  }

  #post<T>(path: string, body: unknown): Promise<T | undefined> {
    return this.#json<T>("POST", path, JSON.stringify(body));
  }

  async #json<T>(method: string, path: string, body?: string, signal?: AbortSignal): Promise<T | undefined> {
    const response = await this.#fetch(method, path, body, signal);
    const text = await response.text();
    if (response.status === 404) return undefined;
    if (!response.ok) throw new ChainRequestError(method, path, response.status, apiErrorDetail(text));
    return parseNodeJson<T>(text);
  }

  async #fetch(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Response> {
    // A kept-alive connection the node closed as it went idle (its keepAliveTimeout passed while this process was
    // busy) is reset when reused, and so may the pool's other idle ones be; a GET reads nothing twice, so it is sent
    // again, up to three times.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#fetchOnce(method, path, body, signal);
      } catch (error) {
        if (method !== "GET" || attempt >= 3 || !resetOnReuse(error)) throw error;
      }
    }
  }

  async #fetchOnce(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#options.apiKey) headers.api_key = this.#options.apiKey;
    try {
      return await fetch(`${this.#url}${path}`, {
        method,
        headers,
        body,
        signal: signal ?? AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new ChainUnreachableError(this.#url, error);
    }
  }
}

function resetOnReuse(error: unknown): boolean {
  const cause = (error as { cause?: { cause?: { code?: string }; code?: string } }).cause;
  const code = cause?.cause?.code ?? cause?.code;
  return code === "ECONNRESET" || code === "UND_ERR_SOCKET";
}

/** The node's ApiError is `{ error, reason, detail }`; fall back to the raw text for anything else. */
function apiErrorDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; reason?: unknown };
    if (typeof parsed.detail === "string" && parsed.detail) return parsed.detail;
    if (typeof parsed.reason === "string") return parsed.reason;
  } catch {
    // not JSON: use the text
  }
  return text.slice(0, 2000);
}
