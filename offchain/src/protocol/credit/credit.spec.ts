import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { ErgoAddress, OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { SLong } from "@fleet-sdk/serializer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../../testing.ts";
import { bankSuccessor } from "../bank/bank.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { parseConfigBox } from "../config.ts";
import { submitExpectingRejection } from "../deploy/rejection.ts";
import { moveErg, moveToken, tamper } from "../deploy/tamper.ts";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "../deploy/testing.ts";
import { ConfigBoxMismatchError } from "../errors/configBoxMismatch.ts";
import { InsufficientFundsError } from "../errors/insufficientFunds.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { NotACreditAccountError } from "../errors/notACreditAccount.ts";
import { NotLiquidatableError } from "../errors/notLiquidatable.ts";
import { RepayExceedsDebtError } from "../errors/repayExceedsDebt.ts";
import { UndercollateralizedError } from "../errors/undercollateralized.ts";
import { buildSwapIn } from "../swap/swap.ts";
import { type CreditAccount, creditAccountOutput, parseCreditAccount } from "./account.ts";
import { buildAddCollateral, buildDraw, buildRepay, buildWithdrawCollateral } from "./actions.ts";
import { buildCloseCreditAccount } from "./close.ts";
import { buildLiquidation } from "./liquidate.ts";
import { buildOpenCreditAccount } from "./open.ts";

const ERG = 1_000_000_000n;
const GPUC = 1_000_000n;

let chain: TestChain;
let lets: LetsFixture;
let alice: TestKey;
let mallory: TestKey;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  alice = await fundedKey(chain, 1_000n * ERG);
  mallory = await fundedKey(chain, 300n * ERG);
});
afterAll(() => chain?.stop());

const send = (key: TestKey, tx: EIP12UnsignedTransaction) => chain.signSubmitMine(key.signer, tx);
const gpuc = () => lets.deployment.gpucTokenId;

async function accountOf(owner: TestKey): Promise<CreditAccount> {
  const boxes = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
  const mine = boxes.filter((box) => box.additionalRegisters.R4 === sigmaPropRegister(owner.address));
  expect(mine).toHaveLength(1);
  return parseCreditAccount(mine[0]!, lets.deployment);
}

async function action(owner: TestKey, amount: bigint) {
  return { ...(await lets.boxes()), account: (await accountOf(owner)).box, amount };
}

const rejected = (tx: EIP12UnsignedTransaction, ...keys: TestKey[]) =>
  submitExpectingRejection(
    chain.client,
    tx,
    keys.map((key) => key.secretHex),
  );

const last = (outputs: unknown[]) => outputs.length - 1;

describe("Credit Account owner paths (devnet)", () => {
  it("Should open an account with collateral and no debt", async () => {
    const open = { deployment: lets.deployment, owner: alice.address, collateral: 100n * ERG };
    await send(alice, buildOpenCreditAccount(open, await lets.wallet(alice)));
    const account = await accountOf(alice);
    expect([account.collateral, account.debt]).toEqual([100n * ERG, 0n]);
  });

  it("Should draw GPUC from the Bank as debt", async () => {
    const bankBefore = await lets.bankBox();
    await send(alice, buildDraw(await action(alice, 50n * GPUC), await lets.wallet(alice)));
    expect((await accountOf(alice)).debt).toBe(50n * GPUC);
    const bankAfter = await lets.bankBox();
    expect(BigInt(bankBefore.assets[1]!.amount) - BigInt(bankAfter.assets[1]!.amount)).toBe(50n * GPUC);
  });

  it("Should repay debt with GPUC into the Bank", async () => {
    await send(alice, buildRepay(await action(alice, 10n * GPUC), await lets.wallet(alice)));
    expect((await accountOf(alice)).debt).toBe(40n * GPUC);
  });

  it("Should add and withdraw collateral while staying above the ratio", async () => {
    await send(alice, buildAddCollateral(await action(alice, 10n * ERG), await lets.wallet(alice)));
    expect((await accountOf(alice)).collateral).toBe(110n * ERG);
    await send(alice, buildWithdrawCollateral(await action(alice, 20n * ERG), await lets.wallet(alice)));
    expect((await accountOf(alice)).collateral).toBe(90n * ERG);
  });

  it("Should close a debt-free account and return its collateral", async () => {
    const bob = await fundedKey(chain, 20n * ERG);
    const open = { deployment: lets.deployment, owner: bob.address, collateral: 5n * ERG };
    await send(bob, buildOpenCreditAccount(open, await lets.wallet(bob)));
    const close = {
      deployment: lets.deployment,
      account: (await accountOf(bob)).box,
      configBox: await lets.configBox(),
    };
    await send(bob, buildCloseCreditAccount(close, await lets.wallet(bob)));
    const boxes = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
    expect(boxes.filter((box) => box.additionalRegisters.R4 === sigmaPropRegister(bob.address))).toHaveLength(
      0,
    );
  });
});

describe("Credit Account and Bank guards (devnet, each tampered tx breaks one guard)", () => {
  it("Should reject a draw beyond the collateral ratio (Credit Account input)", async () => {
    // 90 ERG at 1 ERG/GPUC and 150% carries 60 GPUC; the honest draw of 1 is bumped to 31 (debt 71).
    const honest = buildDraw(await action(alice, 1n * GPUC), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => {
      moveToken(outputs, 0, last(outputs), gpuc(), 30n * GPUC);
      outputs[1]!.additionalRegisters.R5 = SLong(71n * GPUC).toHex();
    });
    expect((await rejected(tx, alice)).failedInput).toBe(1);
  });

  it("Should reject a withdrawal that leaves the account under-collateralised (Credit Account input)", async () => {
    const honest = buildWithdrawCollateral(await action(alice, 1n * ERG), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => moveErg(outputs, 0, last(outputs), 40n * ERG));
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject GPUC taken from the Bank without a matching debt (Bank input)", async () => {
    const honest = buildDraw(await action(alice, 1n * GPUC), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => moveToken(outputs, 0, last(outputs), gpuc(), 5n * GPUC));
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject a new Credit Account created with debt (Bank input)", async () => {
    // A healthy-looking fresh account owing 5 GPUC, with the 5 GPUC paid out: debt and GPUC balance, but no
    // Credit Account input vouches for the new box. It sits at index 2, where the input is a wallet box.
    const honest = buildDraw(await action(alice, 1n * GPUC), await lets.wallet(alice));
    expect(honest.inputs.length).toBeGreaterThan(2);
    const tx = tamper(honest, (outputs) => {
      const change = outputs[last(outputs)]!;
      change.value = (BigInt(change.value) - 10n * ERG).toString();
      outputs.splice(2, 0, {
        value: (10n * ERG).toString(),
        ergoTree: lets.deployment.contracts.creditAccount.ergoTree,
        creationHeight: change.creationHeight,
        assets: [],
        additionalRegisters: { R4: sigmaPropRegister(mallory.address), R5: SLong(5n * GPUC).toHex() },
      });
      moveToken(outputs, 0, last(outputs), gpuc(), 5n * GPUC);
    });
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject a draw that takes the Bank NFT along (Bank input)", async () => {
    const honest = buildDraw(await action(alice, 1n * GPUC), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) =>
      moveToken(outputs, 0, last(outputs), lets.deployment.bankNftId, 1n),
    );
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject a draw whose Bank successor has another script (Bank input)", async () => {
    const honest = buildDraw(await action(alice, 1n * GPUC), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.ergoTree = ErgoAddress.decode(mallory.address).ergoTree;
    });
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject a debt decrease without the Bank (Credit Account input)", async () => {
    const honest = buildAddCollateral(await action(alice, 1n * ERG), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.additionalRegisters.R5 = SLong(30n * GPUC).toHex();
    });
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject handing the account to another owner (Credit Account input)", async () => {
    const honest = buildAddCollateral(await action(alice, 1n * ERG), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.additionalRegisters.R4 = sigmaPropRegister(mallory.address);
    });
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject taking the collateral of an account that still owes (Credit Account input)", async () => {
    const honest = buildAddCollateral(await action(alice, 1n * ERG), await lets.wallet(alice));
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.ergoTree = ErgoAddress.decode(alice.address).ergoTree;
      outputs[0]!.additionalRegisters = {};
    });
    expect((await rejected(tx, alice)).failedInput).toBe(0);
  });

  it("Should reject turning a negative-debt box into free GPUC (Credit Account input)", async () => {
    // Nothing runs when a box is created, so Mallory can make an "account" owing −50 GPUC. "Repaying" it to 0
    // would make the Bank's debt delta +50 and release 50 GPUC.
    const wallet = await lets.wallet(mallory);
    const forged = new OutputBuilder(
      80n * ERG,
      lets.deployment.contracts.creditAccount.ergoTree,
    ).setAdditionalRegisters({
      R4: sigmaPropRegister(mallory.address),
      R5: SLong(-50n * GPUC).toHex(),
    });
    const create = new TransactionBuilder(wallet.height)
      .from([...wallet.inputs])
      .to(forged)
      .sendChangeTo(mallory.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build();
    await send(mallory, create.toEIP12Object());
    const box = (await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree)).find(
      (b) => b.additionalRegisters.R5 === SLong(-50n * GPUC).toHex(),
    )!;
    // What the builders would produce for "repay −50 → 0", assembled by hand (they refuse negative debt).
    const { bankBox, configBox } = await lets.boxes();
    const payer = await lets.wallet(mallory);
    const tx = new TransactionBuilder(payer.height)
      .from([...payer.inputs])
      .extend(({ addInputs, addOutputs, addDataInputs }) => {
        addInputs([bankBox, box]);
        addOutputs(
          [
            bankSuccessor(bankBox, { [gpuc()]: -50n * GPUC }),
            creditAccountOutput(lets.deployment, box.additionalRegisters.R4!, 80n * ERG, 0n),
          ],
          { index: 0 },
        );
        addDataInputs(configBox);
      })
      .sendChangeTo(mallory.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    expect((await rejected(tx, mallory)).failedInput).toBe(1);
  });

  it("Should reject a draw priced by a fake Config box (Credit Account input)", async () => {
    // Mallory's own "Config": same registers but GPUC 100× cheaper in ERG, under a token she minted.
    const real = parseConfigBox(await lets.configBox(), lets.deployment.configNftId);
    const fakeNft = await lets.mintFakeConfig(mallory, { ...real, price: real.price / 100n });
    const fake = { ...lets.deployment, configNftId: fakeNft.tokenId };
    const tx = buildDraw(
      { ...(await action(alice, 100n * GPUC)), deployment: fake, configBox: fakeNft.box },
      await lets.wallet(alice),
    );
    expect((await rejected(tx, alice)).failedInput).toBe(1);
  });
});

describe("Liquidation (devnet)", () => {
  let liquidator: TestKey;

  beforeAll(async () => {
    // The liquidator gets GPUC by swapping the stable token in.
    liquidator = lets.stableHolder;
    const swap = { ...(await lets.boxes()), tokenId: lets.stableTokenId, amount: 10_000n };
    await send(liquidator, buildSwapIn(swap, await lets.wallet(liquidator)));
  });

  it("Should reject liquidating a healthy account (Credit Account input)", async () => {
    // Built against a doctored copy of the Config box (price ×3) so the builder agrees; the chain uses the real one.
    const boxes = await lets.boxes();
    const doctored = withPrice(boxes.configBox, 3n * ERG);
    const account = (await accountOf(alice)).box;
    const built = buildLiquidation({ ...boxes, configBox: doctored, account }, await lets.wallet(liquidator));
    const real = boxes.configBox.additionalRegisters;
    const tx = {
      ...built,
      dataInputs: built.dataInputs.map((box) => ({ ...box, additionalRegisters: real })),
    };
    expect((await rejected(tx, liquidator)).failedInput).toBe(1);
  });

  it("Should liquidate once the price makes the account unsafe, paying the treasury its penalty", async () => {
    await lets.setPrice(2n * ERG); // 90 ERG now covers 45 GPUC < 40 GPUC × 120%
    const account = await accountOf(alice);
    const honest = buildLiquidation(
      { ...(await lets.boxes()), account: account.box },
      await lets.wallet(liquidator),
    );

    const underpaid = tamper(honest, (outputs) => moveErg(outputs, 1, last(outputs), 1n * ERG));
    expect((await rejected(underpaid, liquidator)).failedInput).toBe(1);

    const bankBefore = BigInt((await lets.bankBox()).assets[1]!.amount);
    await send(liquidator, honest);
    expect(BigInt((await lets.bankBox()).assets[1]!.amount) - bankBefore).toBe(40n * GPUC);
    const treasury = await chain.client.unspentByAddress(lets.treasury.address);
    expect(treasury.map((box) => BigInt(box.value))).toEqual([(90n * ERG * 500n) / 10_000n]);
  });
});

describe("Credit builders: typed input errors", () => {
  let carol: TestKey;
  beforeAll(async () => {
    carol = await openedAccount(10n * ERG);
  });

  it("Should refuse a draw beyond the collateral ratio, naming the collateral it needs", async () => {
    // At 2 ERG per GPUC and 150%, 10 GPUC needs 30 ERG.
    const error = await attempt(async () =>
      buildDraw(await action(carol, 10n * GPUC), await lets.wallet(carol)),
    );
    expect(error).toBeInstanceOf(UndercollateralizedError);
    expect((error as UndercollateralizedError).requiredCollateral).toBe(30n * ERG);
  });

  it("Should refuse a withdrawal that would leave the account under-collateralised", async () => {
    await send(carol, buildDraw(await action(carol, 3n * GPUC), await lets.wallet(carol)));
    const error = await attempt(async () =>
      buildWithdrawCollateral(await action(carol, 2n * ERG), await lets.wallet(carol)),
    );
    expect(error).toBeInstanceOf(UndercollateralizedError);
  });

  it("Should refuse repaying more than the debt", async () => {
    const error = await attempt(async () =>
      buildRepay(await action(carol, 4n * GPUC), await lets.wallet(carol)),
    );
    expect(error).toBeInstanceOf(RepayExceedsDebtError);
  });

  it("Should refuse liquidating a healthy account", async () => {
    const error = await attempt(async () =>
      buildLiquidation({ ...(await action(carol, 0n)) }, await lets.wallet(lets.stableHolder)),
    );
    expect(error).toBeInstanceOf(NotLiquidatableError);
  });

  it("Should refuse non-positive amounts and a too small opening collateral", async () => {
    await expect(async () => buildDraw(await action(carol, 0n), await lets.wallet(carol))).rejects.toThrow(
      InvalidAmountError,
    );
    const open = { deployment: lets.deployment, owner: carol.address, collateral: 1000n };
    expect(() =>
      buildOpenCreditAccount(open, { inputs: [], changeAddress: carol.address, height: 1 }),
    ).toThrow(InvalidAmountError);
  });

  it("Should refuse a Config box without the deployment's NFT and a box that is not an account", async () => {
    const boxes = await lets.boxes();
    const wallet = await lets.wallet(carol);
    const account = (await accountOf(carol)).box;
    expect(() => buildDraw({ ...boxes, configBox: boxes.bankBox, account, amount: GPUC }, wallet)).toThrow(
      ConfigBoxMismatchError,
    );
    expect(() => buildDraw({ ...boxes, account: boxes.bankBox, amount: GPUC }, wallet)).toThrow(
      NotACreditAccountError,
    );
  });

  it("Should say what the wallet lacks when it cannot pay a repayment", async () => {
    const poor = { ...(await lets.wallet(carol)), inputs: [] };
    const error = await attempt(async () => buildRepay(await action(carol, 1n * GPUC), poor));
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as InsufficientFundsError).missing[gpuc()]).toBe(1n * GPUC);
  });
});

async function attempt(build: () => Promise<unknown>): Promise<unknown> {
  return build().then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function openedAccount(collateral: bigint): Promise<TestKey> {
  const key = await fundedKey(chain, collateral + 10n * ERG);
  const open = { deployment: lets.deployment, owner: key.address, collateral };
  await send(key, buildOpenCreditAccount(open, await lets.wallet(key)));
  return key;
}

function withPrice(box: Box<Amount>, price: bigint): Box<Amount> {
  return { ...box, additionalRegisters: { ...box.additionalRegisters, R5: SLong(price).toHex() } };
}
