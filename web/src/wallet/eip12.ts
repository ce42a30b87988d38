import type { SignedTxInput } from "@gpuc/sdk";
import type {
  AuthResult,
  EIP12Connection,
  EIP12ErgoAPI,
  SignedTransaction,
  UnsignedTransaction,
} from "@nautilus-js/eip12-types";

/** A wallet failure the page can explain: `message` says what happened and what to do. */
export class WalletError extends Error {
  override readonly name: string = "WalletError";
}

/** No Nautilus in this browser. */
export class WalletMissingError extends WalletError {
  override readonly name = "WalletMissingError";
  readonly installUrl = "https://github.com/nautls/nautilus-wallet#installation";
  constructor() {
    super("Nautilus is not installed in this browser. Install it, then reload this page.");
  }
}

/** The user (or the wallet) refused the connection request. */
export class ConnectionRefusedError extends WalletError {
  override readonly name = "ConnectionRefusedError";
  constructor() {
    super("Nautilus refused the connection. Open Nautilus, allow this site, and connect again.");
  }
}

/** The wallet's addresses belong to another network than the marketplace's. */
export class WrongNetworkError extends WalletError {
  override readonly name = "WrongNetworkError";
  constructor(
    readonly walletNetwork: Network,
    readonly marketNetwork: Network,
  ) {
    super(
      `Your wallet is on ${walletNetwork} but this marketplace runs on ${marketNetwork}. ` +
        `Switch Nautilus to ${marketNetwork} and connect again.`,
    );
  }
}

/** The user declined to sign (a transaction or the sign-in message). Nothing was sent. */
export class SignatureRejectedError extends WalletError {
  override readonly name = "SignatureRejectedError";
  constructor(what: string) {
    super(`You declined to sign ${what} in Nautilus; nothing was sent.`);
  }
}

/** The wallet disconnected (locked, site removed, extension reloaded). */
export class WalletDisconnectedError extends WalletError {
  override readonly name = "WalletDisconnectedError";
  constructor() {
    super("Nautilus disconnected from this page. Connect again to continue; nothing was sent.");
  }
}

/** The wallet answered with an error of its own (proof generation, invalid request…). */
export class WalletFailedError extends WalletError {
  override readonly name = "WalletFailedError";
}

export type Network = "mainnet" | "testnet";

// EIP-12 error codes: APIErrorCode (-1 invalid request, -2 internal, -3 refused) and TxSignErrorCode /
// DataSignErrorCode (1 proof generation, 2 user declined).
const REFUSED = -3;
const USER_DECLINED = 2;

interface Eip12Failure {
  readonly code: number;
  readonly info?: string;
}

function isEip12Failure(error: unknown): error is Eip12Failure {
  return (
    typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number"
  );
}

/** The EIP-12 connector of Nautilus, when the extension injected one. */
export function nautilusConnector(): EIP12Connection | undefined {
  return (globalThis as { ergoConnector?: Record<string, EIP12Connection | undefined> }).ergoConnector
    ?.nautilus;
}

/** An EIP-12 failure in words; `what` names what was being signed. */
export function walletErrorOf(error: unknown, what: string): WalletError {
  if (error instanceof WalletError) return error;
  if (isEip12Failure(error)) {
    if (error.code === USER_DECLINED || error.code === REFUSED) return new SignatureRejectedError(what);
    return new WalletFailedError(`Nautilus could not sign ${what}: ${error.info ?? `error ${error.code}`}`);
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/disconnect|not connected/i.test(text)) return new WalletDisconnectedError();
  return new WalletFailedError(`Nautilus failed while signing ${what}: ${text}`);
}

/**
 * The network of a base58 Ergo address, from its first byte: 0x0_ mainnet, 0x1_ testnet (the prefix byte is the
 * network type plus the address type).
 */
export function networkOfAddress(address: string): Network | undefined {
  const first = firstByteOfBase58(address);
  if (first === undefined) return undefined;
  return first < 0x10 ? "mainnet" : first < 0x20 ? "testnet" : undefined;
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function firstByteOfBase58(text: string): number | undefined {
  let value = 0n;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const hexText = value.toString(16);
  const bytes = Math.ceil(hexText.length / 2);
  // An Ergo address is prefix + content + 4-byte checksum; leading zero bytes are leading '1's.
  if (text.startsWith("1")) return 0;
  return Number(value >> BigInt((bytes - 1) * 8));
}

/**
 * A signed transaction as the marketplace takes it. Wallets put context extensions flat (`{"0": "0e…"}`, as
 * ergo-lib and Nautilus write them); the EIP-12 typings describe `{ values: {…} }`: both are accepted.
 */
export function toSignedTx(signed: SignedTransaction): SignedTxInput {
  return {
    ...signed,
    inputs: signed.inputs.map((input) => {
      const extension = input.spendingProof.extension as Record<string, unknown>;
      const values =
        typeof extension.values === "object" && extension.values !== null ? extension.values : extension;
      return {
        boxId: input.boxId,
        spendingProof: {
          proofBytes: input.spendingProof.proofBytes,
          extension: Object.fromEntries(
            Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
          ),
        },
      };
    }),
  };
}

/** The connected wallet: the EIP-12 context API with every failure turned into a `WalletError`. */
export class ConnectedWallet {
  constructor(
    private readonly api: EIP12ErgoAPI,
    private readonly connector: EIP12Connection,
  ) {}

  changeAddress(): Promise<string> {
    return this.#call(() => this.api.get_change_address(), "your address");
  }

  balance(tokenId = "ERG"): Promise<string> {
    return this.#call(() => this.api.get_balance(tokenId), "your balance");
  }

  /** Signs; a declined request is `SignatureRejectedError`, and nothing has been submitted. */
  async signTx(tx: UnsignedTransaction, what = "the transaction"): Promise<SignedTxInput> {
    return toSignedTx(await this.#call(() => this.api.sign_tx(tx), what));
  }

  auth(address: string, message: string): Promise<AuthResult> {
    return this.#call(() => this.api.auth(address, message), "the sign-in message");
  }

  isConnected(): Promise<boolean> {
    return this.connector.isConnected().catch(() => false);
  }

  disconnect(): Promise<boolean> {
    return this.connector.disconnect().catch(() => false);
  }

  async #call<T>(run: () => Promise<T>, what: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(await this.isConnected())) throw new WalletDisconnectedError();
      throw walletErrorOf(error, what);
    }
  }
}

/**
 * Connects Nautilus (EIP-12) and checks its network against the marketplace's.
 *
 * @throws WalletMissingError, ConnectionRefusedError, WrongNetworkError
 */
export async function connectNautilus(
  marketNetwork: Network,
): Promise<{ wallet: ConnectedWallet; address: string }> {
  const connector = nautilusConnector();
  if (!connector) throw new WalletMissingError();
  let granted: boolean;
  try {
    granted = await connector.connect({ createErgoObject: false });
  } catch {
    throw new ConnectionRefusedError();
  }
  if (!granted) throw new ConnectionRefusedError();
  const wallet = new ConnectedWallet(await connector.getContext(), connector);
  const address = await wallet.changeAddress();
  const network = networkOfAddress(address);
  if (network && network !== marketNetwork) {
    await wallet.disconnect();
    throw new WrongNetworkError(network, marketNetwork);
  }
  return { wallet, address };
}
