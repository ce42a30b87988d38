import { randomBytes } from "node:crypto";
import { BONDED, sigmaPropRegister, stakeRegisters } from "@gpuc/offchain";
import { createdApiKeySchema, type Listing, listingHash, providerSchema } from "@gpuc/sdk";
import { type Harness, ok } from "./harness.ts";
import type { TestWallet } from "./wallet.ts";

export { ESCROW_TREE, STAKE_TREE } from "./deployment.ts";

let height = 100;
const boxId = () => randomBytes(32).toString("hex");

export function sampleListing(overrides: Partial<Listing["gpus"][number]> = {}, region = "eu-west"): Listing {
  return {
    region,
    gpus: [
      {
        model: "RTX 4090",
        vramGb: 24,
        count: 2,
        cudaVersion: "12.4",
        cpuCores: 16,
        ramGb: 64,
        diskGb: 500,
        pricePerHour: "1500000",
        minHours: 1,
        maxHours: 72,
        ...overrides,
      },
    ],
  };
}

/** Puts a Provider Stake box in the chain index, as the indexer records one it saw confirmed. */
export async function seedStake(
  h: Harness,
  owner: TestWallet,
  options: { listing?: Listing; hash?: string; nanoErg?: bigint; bonded?: boolean } = {},
): Promise<string> {
  const id = boxId();
  const hash = options.hash ?? listingHash(options.listing ?? sampleListing());
  await h.services.index.insertBox({
    boxId: id,
    kind: "stake",
    txId: boxId(),
    outputIndex: 0,
    // At the stake script of the services' deployment, as the indexer would have classified it.
    ergoTree: h.services.deployment.contracts.providerStake.ergoTree,
    value: options.nanoErg ?? 10_000_000_000n,
    assets: [],
    registers: stakeRegisters(sigmaPropRegister(owner.address), hash, options.bonded === false ? 50 : BONDED),
    creationHeight: height,
    inclusionHeight: height++,
    gpuc: 0n,
  });
  return id;
}

/** Recreates a stake in the index as an update transaction does: `previous` spent by the transaction creating the new box. */
export async function recreateStake(
  h: Harness,
  owner: TestWallet,
  previous: string,
  options: Parameters<typeof seedStake>[2] = {},
): Promise<string> {
  const id = await seedStake(h, owner, options);
  const created = await h.services.index.box(id);
  await h.services.index.markSpent([previous], created!.txId, created!.inclusionHeight);
  return id;
}

/** A signed-in provider registered with a seeded stake, and a provider-scoped API key for its executor. */
export async function registerProvider(h: Harness, listing: Listing = sampleListing()) {
  const { wallet, token } = await h.signIn();
  const stakeBoxId = await seedStake(h, wallet, { listing });
  const provider = ok(
    await h.request("POST", "/api/v1/providers", { token, body: { name: "rig", stakeBoxId, listing } }),
    providerSchema,
    201,
  );
  const key = ok(
    await h.request("POST", "/api/v1/api-keys", { token, body: { name: "executor", scopes: ["provider"] } }),
    createdApiKeySchema,
    201,
  );
  return { wallet, token, provider, apiKey: key.key, stakeBoxId };
}
