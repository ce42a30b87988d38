/** Signing failed: the keys do not match the inputs, or ergo-lib rejected the transaction while proving. */
export class SigningError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A mnemonic or secret key that cannot be used. The value itself is never put in the message. */
export class InvalidSecretError extends Error {
  constructor(what: string) {
    super(`${what} is not valid; check the configured key (the value is not shown)`);
    this.name = new.target.name;
  }
}
