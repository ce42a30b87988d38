import { randomBytes } from "node:crypto";
import type { ChainClient, Signer } from "@gpuc/offchain";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import type { Page } from "playwright-core";

/** What the test wallet does when asked, switchable mid-test to play each failure a real wallet has. */
export interface WalletBehaviour {
  /** `connect()` answers false, as Nautilus does when the user refuses the site. */
  refuseConnect: boolean;
  /** `sign_tx` fails with EIP-12's TxSignError code 2 (user declined). */
  declineSign: boolean;
  /** `auth` fails with DataSignError code 2 (user declined). */
  declineAuth: boolean;
  /** The wallet answers with this address instead (e.g. a mainnet one, for the wrong-network case). */
  addressOverride?: string;
}

/** One call from the page and what the wallet answered. */
export interface WalletCall {
  readonly method: string;
  readonly outcome: "ok" | "refused";
}

type Answer = { ok: unknown } | { error: { code: number; info: string } };

const USER_DECLINED = 2;

/**
 * An EIP-12 wallet for browser tests: the page sees `window.ergoConnector.nautilus` as Nautilus injects it, and
 * every call runs here, in the test process, against a real key and the devnet: `sign_tx` signs with ergo-lib (so
 * the devnet's full validation checks each signature), `auth` signs EIP-28's `<message>;<origin>;<time>;<random>`.
 */
export class TestWallet {
  readonly behaviour: WalletBehaviour = { refuseConnect: false, declineSign: false, declineAuth: false };
  readonly calls: WalletCall[] = [];
  #connected = false;

  constructor(
    readonly signer: Signer,
    readonly chain: ChainClient,
  ) {}

  get address(): string {
    return this.behaviour.addressOverride ?? this.signer.address;
  }

  /** Ends the connection from the wallet's side (the user removed the site, or locked Nautilus). */
  disconnectFromWallet(): void {
    this.#connected = false;
  }

  /** Installs the connector in `page` (before any of its scripts run) and routes its calls here. */
  async install(page: Page): Promise<void> {
    await page.exposeBinding("__gpucTestWallet", (source, method: string, args: unknown[]) =>
      this.#answer(method, args, source.frame.url()),
    );
    await page.addInitScript(INJECTED);
  }

  async #answer(method: string, args: unknown[], pageUrl: string): Promise<Answer> {
    try {
      const answer = await this.#handle(method, args, new URL(pageUrl).origin);
      this.calls.push({ method, outcome: "error" in answer ? "refused" : "ok" });
      return answer;
    } catch (error) {
      this.calls.push({ method, outcome: "refused" });
      return { error: { code: -2, info: error instanceof Error ? error.message : String(error) } };
    }
  }

  async #handle(method: string, args: unknown[], origin: string): Promise<Answer> {
    switch (method) {
      case "connect":
        this.#connected = !this.behaviour.refuseConnect;
        return { ok: this.#connected };
      case "isConnected":
      case "isAuthorized":
        return { ok: this.#connected };
      case "disconnect":
        this.#connected = false;
        return { ok: true };
    }
    if (!this.#connected) return { error: { code: -3, info: "the wallet is not connected to this site" } };
    switch (method) {
      case "get_change_address":
        return { ok: this.address };
      case "get_used_addresses":
        return { ok: [this.address] };
      case "get_unused_addresses":
        return { ok: [] };
      case "get_balance":
        return { ok: await this.#balance(String(args[0] ?? "ERG")) };
      case "get_utxos":
        return { ok: plain(await this.chain.unspentByAddress(this.address)) };
      case "get_current_height":
        return { ok: await this.chain.height() };
      case "sign_tx":
        if (this.behaviour.declineSign) return declined("User rejected the transaction");
        return { ok: plain(await this.signer.sign(args[0] as UnsignedTransaction, this.chain)) };
      case "auth":
        if (this.behaviour.declineAuth) return declined("User rejected the sign-in");
        return { ok: this.#auth(String(args[0]), String(args[1]), origin) };
      case "submit_tx":
        return { ok: await this.chain.submit(args[0] as Parameters<ChainClient["submit"]>[0]) };
      default:
        return { error: { code: -1, info: `${method} is not part of EIP-12` } };
    }
  }

  async #balance(tokenId: string): Promise<string> {
    const boxes = await this.chain.unspentByAddress(this.address);
    let total = 0n;
    for (const box of boxes) {
      if (tokenId === "ERG") total += BigInt(box.value);
      else for (const asset of box.assets) if (asset.tokenId === tokenId) total += BigInt(asset.amount);
    }
    return total.toString();
  }

  /** EIP-28: the wallet signs the message with the origin, the time and a random part appended. */
  #auth(address: string, message: string, origin: string) {
    if (address !== this.signer.address) throw new Error(`this wallet cannot sign for ${address}`);
    const signedMessage = `${message};${origin};${Math.floor(Date.now() / 1000)};${randomBytes(8).toString("hex")}`;
    const proof = Buffer.from(this.signer.signMessage(new TextEncoder().encode(signedMessage))).toString(
      "hex",
    );
    return { signedMessage, proof };
  }
}

function declined(info: string): Answer {
  return { error: { code: USER_DECLINED, info } };
}

/** Bigints (ergo-lib's JSON) as strings: what crosses into the page is JSON. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? item.toString() : item)),
  );
}

/** The connector as Nautilus injects it; an EIP-12 error is thrown as the `{ code, info }` object it is. */
const INJECTED = `(() => {
  const call = async (method, ...args) => {
    const answer = await window.__gpucTestWallet(method, args);
    if ("error" in answer) throw answer.error;
    return answer.ok;
  };
  const context = {};
  for (const method of ["get_utxos", "get_balance", "get_used_addresses", "get_unused_addresses",
    "get_change_address", "sign_tx", "sign_tx_input", "sign_data", "auth", "get_current_height", "submit_tx"]) {
    context[method] = (...args) => call(method, ...args);
  }
  window.ergoConnector = {
    nautilus: {
      connect: () => call("connect"),
      isConnected: () => call("isConnected"),
      isAuthorized: () => call("isAuthorized"),
      disconnect: () => call("disconnect"),
      getContext: async () => context,
    },
  };
})();`;
