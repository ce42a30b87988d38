import { NetworkPrefix, SecretKey, SecretKeys, Wallet } from "ergo-lib-wasm-nodejs";

/** A throwaway wallet for tests: a random key, its testnet P2PK address, and message signing as Nautilus does. */
export class TestWallet {
  readonly address: string;
  readonly secretHex: string;
  readonly #wallet: Wallet;

  constructor(secret: SecretKey = SecretKey.random_dlog()) {
    this.address = secret.get_address().to_base58(NetworkPrefix.Testnet);
    this.secretHex = Buffer.from(secret.to_bytes()).toString("hex");
    const secrets = new SecretKeys();
    secrets.add(secret);
    this.#wallet = Wallet.from_secrets(secrets);
  }

  /** `Wallet.sign_message_using_p2pk` over the UTF-8 bytes of `text`, hex: what EIP-12 `auth` returns as proof. */
  sign(text: string): string {
    const address = SecretKey.dlog_from_bytes(Buffer.from(this.secretHex, "hex")).get_address();
    return Buffer.from(this.#wallet.sign_message_using_p2pk(address, Buffer.from(text, "utf8"))).toString(
      "hex",
    );
  }
}
