import { Network } from "@fleet-sdk/common";
import { ErgoAddress } from "@fleet-sdk/core";
import { blake2b256, hex } from "@fleet-sdk/crypto";
import { describe, expect, it } from "vitest";
import { compileDeployment } from "./deployment.ts";

const ids = { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: "cc".repeat(32) };

describe("compileDeployment", () => {
  it("Should compile every LETS contract with the deployment ids embedded", () => {
    const deployment = compileDeployment(ids, "testnet");
    expect(deployment.contracts.creditAccount.ergoTree).toContain(ids.configNftId);
    expect(deployment.contracts.creditAccount.ergoTree).toContain(ids.bankNftId);
    expect(deployment.contracts.bank.ergoTree).toContain(ids.gpucTokenId);
    // The Bank recognises Credit Accounts by the hash of their script.
    expect(deployment.contracts.bank.ergoTree).toContain(deployment.contracts.creditAccount.hash);
  });

  it("Should give each contract its tree hash and an address of the requested network", () => {
    const { bank } = compileDeployment(ids, "mainnet").contracts;
    expect(bank.hash).toBe(hex.encode(blake2b256(hex.decode(bank.ergoTree))));
    expect(ErgoAddress.decode(bank.address).ergoTree).toBe(bank.ergoTree);
    expect(ErgoAddress.decode(bank.address).network).toBe(Network.Mainnet);
  });

  it("Should compile different trees for different ids", () => {
    const other = compileDeployment({ ...ids, bankNftId: "dd".repeat(32) }, "testnet");
    expect(other.contracts.creditAccount.ergoTree).not.toBe(
      compileDeployment(ids, "testnet").contracts.creditAccount.ergoTree,
    );
  });
});
