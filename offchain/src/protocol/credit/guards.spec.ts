import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  ErgoAddress,
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { SLong } from "@fleet-sdk/serializer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../../testing.ts";
import { tokenAmount } from "../bank/tokens.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { parseConfigBox } from "../config.ts";
import { submitExpectingRejection } from "../deploy/rejection.ts";
import { moveToken, tamper } from "../deploy/tamper.ts";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "../deploy/testing.ts";
import { buildSwapIn } from "../swap/swap.ts";
import { type CreditAccount, creditAccountOutput, parseCreditAccount } from "./account.ts";
import { buildAddCollateral, buildDraw, buildRepay, buildWithdrawCollateral } from "./actions.ts";
import { buildCloseCreditAccount } from "./close.ts";
import { liquidationPenalty } from "./health.ts";
import { buildLiquidation } from "./liquidate.ts";
import { buildOpenCreditAccount } from "./open.ts";
import { buildWithWallet } from "./wallet.ts";

// The Credit Account's guards at their bounds and on the paths credit.spec.ts does not tamper with: each test
// is the spend one missing guard would let through (or the honest spend a too-strict guard would refuse).
// Accounts here: 90 ERG of collateral; the price starts at 1 GPUC = 1 ERG, the ratio at 150 %, liquidation 120 %.

const ERG = 1_000_000_000n;
const GPUC = 1_000_000n;

let chain: TestChain;
let lets: LetsFixture;
let alice: TestKey;
let bob: TestKey;
let mallory: TestKey;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  mallory = await fundedKey(chain, 100n * ERG);
  alice = await openedAccount(90n * ERG);
  bob = await openedAccount(90n * ERG);
  await send(bob, buildDraw(await action(bob, 10n * GPUC), await lets.wallet(bob)));
});
afterAll(() => chain?.stop());

const send = (key: TestKey, tx: EIP12UnsignedTransaction) => chain.signSubmitMine(key.signer, tx);
const gpuc = () => lets.deployment.gpucTokenId;
const treeOf = (key: TestKey) => ErgoAddress.decode(key.address).ergoTree;
const rejectedInput = async (tx: EIP12UnsignedTransaction, ...keys: TestKey[]) =>
  (
    await submitExpectingRejection(
      chain.client,
      tx,
      keys.map((key) => key.secretHex),
    )
  ).failedInput;

async function accountOf(owner: TestKey): Promise<CreditAccount | undefined> {
  const boxes = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
  const mine = boxes.find((box) => box.additionalRegisters.R4 === sigmaPropRegister(owner.address));
  return mine && parseCreditAccount(mine, lets.deployment);
}

async function action(owner: TestKey, amount: bigint) {
  return { ...(await lets.boxes()), account: (await accountOf(owner))!.box, amount };
}

async function openedAccount(collateral: bigint): Promise<TestKey> {
  const key = await fundedKey(chain, collateral + 10n * ERG);
  const open = { deployment: lets.deployment, owner: key.address, collateral };
  await send(key, buildOpenCreditAccount(open, await lets.wallet(key)));
  return key;
}

describe("Credit Account guards at their bounds (devnet)", () => {
  it("Should accept a draw to exactly the collateral ratio", async () => {
    // 90 ERG × 10^8 = 60 GPUC × 150 × 1 ERG: the contract's `>=` holds with equality.
    await send(alice, buildDraw(await action(alice, 60n * GPUC), await lets.wallet(alice)));
    expect((await accountOf(alice))!.debt).toBe(60n * GPUC);
  });

  it("Should refuse a close whose account input has no output at its index (every path reads it)", async () => {
    const dave = await openedAccount(10n * ERG);
    await chain.devnet.faucet(dave.address, { nanoErgs: ERG });
    await chain.mine();
    const wallet = await lets.wallet(dave);
    // Wallet boxes first, the account last: with two outputs (change, fee) no output sits at its index.
    const tx = new TransactionBuilder(wallet.height)
      .from([...wallet.inputs, (await accountOf(dave))!.box])
      .configureSelector((selector) => selector.ensureInclusion("all"))
      .withDataFrom(await lets.configBox())
      .sendChangeTo(dave.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    expect(tx.outputs.length).toBeLessThanOrEqual(wallet.inputs.length);
    expect(await rejectedInput(tx, dave)).toBe(wallet.inputs.length);
  });

  it("Should reject a collateral withdrawal not signed by the owner (Credit Account input)", async () => {
    const tx = buildWithdrawCollateral(await action(bob, 1n * ERG), await lets.wallet(mallory));
    expect(await rejectedInput(tx, mallory)).toBe(0);
  });

  it("Should reject closing a debt-free account not signed by its owner (Credit Account input)", async () => {
    const frank = await openedAccount(10n * ERG);
    const options = { deployment: lets.deployment, configBox: await lets.configBox() };
    const tx = buildCloseCreditAccount(
      { ...options, account: (await accountOf(frank))!.box },
      await lets.wallet(mallory),
    );
    expect(await rejectedInput(tx, mallory)).toBe(0);
  });

  it("Should reject a repayment that leaves the account owing negative debt (Credit Account input)", async () => {
    // Bob owes 10 and holds 10; 1 more GPUC from Alice lets him "repay" 11, which the Bank would accept.
    await send(alice, await transfer(alice, bob, 1n * GPUC));
    await send(bob, await transfer(bob, bob, 0n)); // one box holding all 11, so the change keeps the extra one
    const honest = buildRepay(await action(bob, 10n * GPUC), await lets.wallet(bob));
    const tx = tamper(honest, (outputs) => {
      outputs[1]!.additionalRegisters.R5 = SLong(-1n * GPUC).toHex();
      const change = outputs.findIndex((box) => box.ergoTree === treeOf(bob));
      moveToken(outputs, change, 0, gpuc(), 1n * GPUC);
    });
    expect(await rejectedInput(tx, bob)).toBe(1);
  });

  it("Should reject a debt decrease with a token box standing in for the Bank (Credit Account input)", async () => {
    // Bob's own GPUC box at INPUTS(0) has a token, but not the Bank NFT: his debt may not move.
    const wallet = await lets.wallet(bob);
    const tokenBox = wallet.inputs.find((box) => tokenAmount(box, gpuc()) > 0n)!;
    const account = (await accountOf(bob))!;
    const tx = new TransactionBuilder(wallet.height)
      .from([tokenBox, account.box])
      .configureSelector((selector) => selector.ensureInclusion("all"))
      .to([
        new OutputBuilder(BigInt(tokenBox.value) - RECOMMENDED_MIN_FEE_VALUE, bob.address).addTokens(
          tokenBox.assets,
        ),
        creditAccountOutput(lets.deployment, account.ownerRegister, account.collateral, account.debt - GPUC),
      ])
      .withDataFrom(await lets.configBox())
      .sendChangeTo(bob.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    expect(tx.inputs.map((input) => input.boxId)).toEqual([tokenBox.boxId, account.box.boxId]);
    expect(await rejectedInput(tx, bob)).toBe(1);
  });
});

describe("Credit Account under the collateral ratio (devnet, price 1.2 ERG)", () => {
  beforeAll(() => lets.setPrice(1_200_000_000n)); // Alice's 90 ERG now carry 50 GPUC at 150 %; she owes 60

  it("Should let the owner add collateral while still under the ratio, the debt unchanged", async () => {
    await send(alice, buildAddCollateral(await action(alice, 1n * ERG), await lets.wallet(alice)));
    expect((await accountOf(alice))!.collateral).toBe(91n * ERG);
  });

  it("Should let the owner repay part of the debt while still under the ratio, the collateral unchanged", async () => {
    await send(alice, buildRepay(await action(alice, 1n * GPUC), await lets.wallet(alice)));
    expect((await accountOf(alice))!.debt).toBe(59n * GPUC);
  });
});

describe("Credit Account liquidation guards (devnet, price 2 ERG)", () => {
  let liquidator: TestKey;

  beforeAll(async () => {
    await lets.setPrice(2n * ERG); // Alice: 91 ERG carry 45.5 GPUC < 59 × 120 %; Bob: 45 GPUC > 10 × 120 %
    liquidator = lets.stableHolder;
    const swap = { ...(await lets.boxes()), tokenId: lets.stableTokenId, amount: 10_000n };
    await send(liquidator, buildSwapIn(swap, await lets.wallet(liquidator)));
  });

  it("Should reject a liquidation that pays the penalty to another address (Credit Account input)", async () => {
    const honest = buildLiquidation(await action(alice, 0n), await lets.wallet(liquidator));
    const tx = tamper(honest, (outputs) => {
      outputs[1]!.ergoTree = treeOf(liquidator);
    });
    expect(await rejectedInput(tx, liquidator)).toBe(1);
  });

  it("Should reject a liquidation without the Bank, the debt left unpaid (Credit Account input)", async () => {
    const { account, configBox } = await action(alice, 0n);
    const config = parseConfigBox(configBox);
    const penalty = liquidationPenalty(BigInt(account.value), config);
    const tx = buildWithWallet(
      ({ addInputs, addOutputs, addDataInputs }) => {
        addInputs(account);
        addOutputs(new OutputBuilder(penalty, config.treasury), { index: 0 });
        addDataInputs(configBox);
      },
      await lets.wallet(liquidator),
    );
    expect(await rejectedInput(tx, liquidator)).toBe(0);
  });

  it("Should reject liquidating a healthy account priced by a fake Config (Credit Account input)", async () => {
    const real = parseConfigBox(await lets.configBox());
    const fake = await lets.mintFakeConfig(liquidator, { ...real, price: 20n * ERG });
    const deployment = { ...lets.deployment, configNftId: fake.tokenId };
    const tx = buildLiquidation(
      { ...(await action(bob, 0n)), deployment, configBox: fake.box },
      await lets.wallet(liquidator),
    );
    expect(await rejectedInput(tx, liquidator)).toBe(1);
  });
});

/** Sends `amount` GPUC from one key to another; 0 to oneself merges all of the key's boxes into one. */
async function transfer(from: TestKey, to: TestKey, amount: bigint) {
  const wallet = await lets.wallet(from);
  const builder = new TransactionBuilder(wallet.height).from([...wallet.inputs]);
  if (amount === 0n) builder.configureSelector((selector) => selector.ensureInclusion("all"));
  else builder.to(new OutputBuilder(SAFE_MIN_BOX_VALUE, to.address).addTokens({ tokenId: gpuc(), amount }));
  return builder.sendChangeTo(from.address).payFee(RECOMMENDED_MIN_FEE_VALUE).build().toEIP12Object();
}
