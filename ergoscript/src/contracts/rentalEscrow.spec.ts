import { blake2b256, hex } from "@fleet-sdk/crypto";
import { describe, expect, it } from "vitest";
import { compileProviderStake } from "./providerStake.ts";
import { compileRentalEscrow } from "./rentalEscrow.ts";

const ids = { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: "cc".repeat(32) };

describe("rentals contracts", () => {
  it("Should embed the Config NFT and GPUC ids in the escrow and the Config NFT in the stake", () => {
    const escrow = compileRentalEscrow(ids, "testnet");
    const stake = compileProviderStake(ids, "testnet");
    expect(escrow.ergoTree).toContain(ids.configNftId);
    expect(escrow.ergoTree).toContain(ids.gpucTokenId);
    expect(stake.ergoTree).toContain(ids.configNftId);
    expect(escrow.hash).toBe(hex.encode(blake2b256(hex.decode(escrow.ergoTree))));
  });

  it("Should keep the escrow tree small enough for batched claims (every recreated escrow carries it)", () => {
    // Measured at 1,100 bytes; a growth past this bound shrinks the largest claim batch noticeably.
    expect(hex.decode(compileRentalEscrow(ids, "mainnet").ergoTree).length).toBeLessThan(1_200);
  });
});
