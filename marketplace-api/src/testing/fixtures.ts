import { randomBytes } from "node:crypto";
import { SByte, SColl, SInt } from "@fleet-sdk/serializer";
import { createdApiKeySchema, type Listing, listingHash, providerSchema } from "@gpuc/sdk";
import { sigmaPropHex } from "../chain/address.ts";
import { type Harness, ok } from "./harness.ts";
import type { TestWallet } from "./wallet.ts";

export const STAKE_TREE = `10${"ab".repeat(40)}`;
export const ESCROW_TREE = `10${"cd".repeat(40)}`;

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
    ergoTree: STAKE_TREE,
    value: options.nanoErg ?? 10_000_000_000n,
    assets: [],
    registers: {
      R4: sigmaPropHex(owner.address, "testnet"),
      R5: SColl(SByte, hash).toHex(),
      R6: SInt(options.bonded === false ? 50 : -1).toHex(),
    },
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
