// The public surface of @gpuc/offchain. Keep it curated: export what services use, nothing internal.

// --- chain: ChainClient (Ergo node REST API) and signing ---

// --- protocol: deployment and the builders of every GPUC action ---
export {};
