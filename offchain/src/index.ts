// The public surface of @gpuc/offchain. Keep it curated: export what services use, nothing internal.

// --- chain: ChainClient (Ergo node REST API) and signing ---
export * from "./chain/index.ts";
export { InvalidSecretError, SigningError } from "./signing/errors.ts";
export { type MnemonicOptions, type Network, Signer, verifyMessage } from "./signing/signer.ts";
export { nextBlockContext } from "./signing/stateContext.ts";
export { type SubmitOptions, signAndSubmit } from "./signing/submit.ts";
