import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { ErgoAddress } from "@fleet-sdk/core";
import { SByte, SColl, SLong, SPair } from "@fleet-sdk/serializer";
import { CONFIG_PARAM_COUNT } from "@gpuc/ergoscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../../testing.ts";
import { encodeConfigRegisters, parseConfigBox } from "../config.ts";
import { submitExpectingRejection } from "../deploy/rejection.ts";
import { moveErg, moveToken, tamper } from "../deploy/tamper.ts";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "../deploy/testing.ts";
import { ArbiterPriceOnlyError } from "../errors/arbiterPriceOnly.ts";
import { ConfigBoxMismatchError } from "../errors/configBoxMismatch.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { sigmaPropRegister } from "./sigmaProp.ts";
import { buildConfigUpdate, type ConfigUpdateOptions } from "./update.ts";

let chain: TestChain;
let lets: LetsFixture;
let mallory: TestKey;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  mallory = await fundedKey(chain, 10_000_000_000n);
});
afterAll(() => chain?.stop());

const send = (key: TestKey, tx: EIP12UnsignedTransaction) => chain.signSubmitMine(key.signer, tx);
const last = (outputs: unknown[]) => outputs.length - 1;
const current = async () => parseConfigBox(await lets.configBox(), lets.deployment.configNftId);

async function update(
  role: ConfigUpdateOptions["role"],
  changes: ConfigUpdateOptions["changes"],
  payer: TestKey,
): Promise<EIP12UnsignedTransaction> {
  const options = { deployment: lets.deployment, configBox: await lets.configBox(), role, changes };
  return buildConfigUpdate(options, await lets.wallet(payer));
}

/** An honest update by `role` with some of its successor's registers replaced (serialized values). */
async function tamperedUpdate(
  role: ConfigUpdateOptions["role"],
  registers: Record<string, string>,
  signer: TestKey,
) {
  const honest = await update(role, role === "arbiter" ? { price: 1_400_000_000n } : { feeBps: 250 }, signer);
  return tamper(honest, (outputs) => {
    Object.assign(outputs[0]!.additionalRegisters, registers);
  });
}

const whitelistRegister = (entries: readonly (readonly [string, bigint])[]) =>
  SColl(
    SPair(SColl(SByte), SLong),
    entries.map(([id, rate]) => [id, rate] as [string, bigint]),
  ).toHex();

const rejectedInput = async (tx: EIP12UnsignedTransaction, key: TestKey) =>
  (await submitExpectingRejection(chain.client, tx, [key.secretHex])).failedInput;

describe("Config updates (devnet)", () => {
  it("Should let the arbiter move the price", async () => {
    await send(lets.arbiter, await update("arbiter", { price: 1_300_000_000n }, lets.arbiter));
    expect((await current()).price).toBe(1_300_000_000n);
  });

  it("Should let the admin change any setting, keeping the NFT and script", async () => {
    const whitelist = [...(await current()).whitelist, { tokenId: "ab".repeat(32), rate: 1n }];
    await send(
      lets.admin,
      await update("admin", { feeBps: 300, whitelist, arbiter: mallory.address }, lets.admin),
    );
    const config = await current();
    expect([config.feeBps, config.whitelist.length, config.price]).toEqual([300, 2, 1_300_000_000n]);
    expect(config.arbiter).toBe(ErgoAddress.decode(mallory.address).ergoTree);
    // Hand the arbiter role back for the tests below.
    await send(lets.admin, await update("admin", { arbiter: lets.arbiter.address }, lets.admin));
  });
});

describe("Config guards (devnet, each tampered tx breaks one guard)", () => {
  it("Should reject an update not signed by the admin", async () => {
    expect(await rejectedInput(await update("admin", { feeBps: 0 }, mallory), mallory)).toBe(0);
  });

  it("Should reject an arbiter update that changes more than the price", async () => {
    const honest = await update("arbiter", { price: 1_400_000_000n }, lets.arbiter);
    const params = encodeConfigRegisters({ ...(await current()), feeBps: 0 }).R4;
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.additionalRegisters.R4 = params;
    });
    expect(await rejectedInput(tx, lets.arbiter)).toBe(0);
  });

  it("Should reject an admin update that moves the Config NFT away", async () => {
    const honest = await update("admin", { feeBps: 250 }, lets.admin);
    const tx = tamper(honest, (outputs) =>
      moveToken(outputs, 0, last(outputs), lets.deployment.configNftId, 1n),
    );
    expect(await rejectedInput(tx, lets.admin)).toBe(0);
  });

  it("Should reject an admin update that changes the Config script", async () => {
    const honest = await update("admin", { feeBps: 250 }, lets.admin);
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.ergoTree = ErgoAddress.decode(lets.admin.address).ergoTree;
    });
    expect(await rejectedInput(tx, lets.admin)).toBe(0);
  });

  it("Should reject an admin update that takes ERG out of the Config box", async () => {
    const honest = await update("admin", { feeBps: 250 }, lets.admin);
    const tx = tamper(honest, (outputs) => moveErg(outputs, 0, last(outputs), 1_000_000n));
    expect(await rejectedInput(tx, lets.admin)).toBe(0);
  });

  it("Should reject an admin update that leaves an unreadable Config (admin not a SigmaProp)", async () => {
    const honest = await update("admin", { feeBps: 250 }, lets.admin);
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.additionalRegisters.R7 = SLong(1n).toHex();
    });
    expect(await rejectedInput(tx, lets.admin)).toBe(0);
  });
});

describe("Config well-formedness (devnet, the admin may not leave a Config nobody can read)", () => {
  const cases: [string, Record<string, string>][] = [
    ["one parameter short", { R4: SColl(SLong, Array(CONFIG_PARAM_COUNT - 1).fill(1n)).toHex() }],
    ["a price of zero", { R5: SLong(0n).toHex() }],
    ["a whitelisted token id that is not 32 bytes", { R6: whitelistRegister([["ab".repeat(31), 1n]]) }],
    ["a whitelisted rate of zero", { R6: whitelistRegister([["ab".repeat(32), 0n]]) }],
    ["an arbiter that is not a SigmaProp", { R8: SLong(1n).toHex() }],
    ["an empty treasury", { R9: SColl(SByte, []).toHex() }],
  ];
  it.each(cases)("Should reject an admin update with %s", async (_, registers) => {
    const tx = await tamperedUpdate("admin", registers, lets.admin);
    expect(await rejectedInput(tx, lets.admin)).toBe(0);
  });
});

describe("Config arbiter path (devnet, the price and nothing else, signed by the arbiter)", () => {
  const malloryTree = () => ErgoAddress.decode(mallory.address).ergoTree;
  const cases: [string, () => Record<string, string>][] = [
    ["a price of zero", () => ({ R5: SLong(0n).toHex() })],
    ["another whitelist", () => ({ R6: whitelistRegister([["ab".repeat(32), 1n]]) })],
    ["another admin", () => ({ R7: sigmaPropRegister(mallory.address, "admin") })],
    ["another arbiter", () => ({ R8: sigmaPropRegister(mallory.address, "arbiter") })],
    ["another treasury", () => ({ R9: SColl(SByte, malloryTree()).toHex() })],
  ];
  it.each(cases)("Should reject an arbiter update with %s", async (_, registers) => {
    const tx = await tamperedUpdate("arbiter", registers(), lets.arbiter);
    expect(await rejectedInput(tx, lets.arbiter)).toBe(0);
  });

  it("Should reject a price-only update not signed by the arbiter", async () => {
    const tx = await update("arbiter", { price: 1_400_000_000n }, mallory);
    expect(await rejectedInput(tx, mallory)).toBe(0);
  });
});

describe("Config update builder: typed input errors", () => {
  it("Should refuse an arbiter update of anything but the price", async () => {
    await expect(update("arbiter", { feeBps: 0 }, lets.arbiter)).rejects.toThrow(ArbiterPriceOnlyError);
  });

  it("Should refuse a non-positive price", async () => {
    await expect(update("arbiter", { price: 0n }, lets.arbiter)).rejects.toThrow(InvalidAmountError);
  });

  it("Should refuse a box that is not the Config box", async () => {
    const options = { deployment: lets.deployment, configBox: await lets.bankBox(), role: "admin" as const };
    expect(() =>
      buildConfigUpdate({ ...options, changes: {} }, { inputs: [], changeAddress: "", height: 1 }),
    ).toThrow(ConfigBoxMismatchError);
  });
});
