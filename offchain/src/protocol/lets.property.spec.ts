import type { Amount, Box, EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../testing.ts";
import { tokenAmount } from "./bank/tokens.ts";
import { sigmaPropRegister } from "./config/sigmaProp.ts";
import { parseCreditAccount } from "./credit/account.ts";
import { buildAddCollateral, buildDraw, buildRepay, buildWithdrawCollateral } from "./credit/actions.ts";
import { buildOpenCreditAccount } from "./credit/open.ts";
import { buildWithWallet } from "./credit/wallet.ts";
import { deployForTest, fundedKey, type LetsFixture, type TestKey } from "./deploy/testing.ts";
import { GPUC_SUPPLY } from "./deploy.ts";
import { GpucProtocolError } from "./errors/base.ts";
import { buildSwapIn, buildSwapOut } from "./swap/swap.ts";

// Random sequences of LETS actions by several members on the devnet. After every accepted transaction:
// GPUC is conserved (the whole supply is still somewhere), ERG only leaves as miner fees, and
// Σ debts = GPUC outside the Bank − GPUC net issued by swaps.

const ERG = 1_000_000_000n;
const GPUC = 1_000_000n;
const FEE = RECOMMENDED_MIN_FEE_VALUE;

type Action =
  | { kind: "open" | "addCollateral" | "withdraw"; member: number; amount: number }
  | { kind: "draw" | "repay" | "swapOut"; member: number; amount: number }
  | { kind: "swapIn"; member: number; amount: number }
  | { kind: "transfer"; member: number; to: number; amount: number };

const member = fc.integer({ min: 0, max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("open", "addCollateral", "withdraw"),
    member,
    amount: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({
    kind: fc.constantFrom("draw", "repay", "swapOut"),
    member,
    amount: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({ kind: fc.constant("swapIn"), member, amount: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ kind: fc.constant("transfer"), member, to: member, amount: fc.integer({ min: 1, max: 20 }) }),
) as fc.Arbitrary<Action>;

let chain: TestChain;
let lets: LetsFixture;
let members: TestKey[];
let swapIssued = 0n;
const stats = { accepted: 0, refused: 0, ms: 0 };

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  members = [
    await fundedKey(chain, 500n * ERG),
    await fundedKey(chain, 500n * ERG),
    await fundedKey(chain, 500n * ERG),
  ];
  // Share the stable token so that every member can swap.
  const wallet = await lets.wallet(lets.stableHolder);
  const share = (key: TestKey) =>
    new OutputBuilder(SAFE_MIN_BOX_VALUE, key.address).addTokens({
      tokenId: lets.stableTokenId,
      amount: 1_000_000n,
    });
  const tx = new TransactionBuilder(wallet.height)
    .from([...wallet.inputs])
    .to(members.map(share))
    .sendChangeTo(lets.stableHolder.address)
    .payFee(FEE)
    .build()
    .toEIP12Object();
  await chain.signSubmitMine(lets.stableHolder.signer, tx);
  // Two members start with an account (the sequences open the third and may draw at once).
  for (const key of members.slice(0, 2)) {
    const open = { deployment: lets.deployment, owner: key.address, collateral: 100n * ERG };
    await chain.signSubmitMine(key.signer, buildOpenCreditAccount(open, await lets.wallet(key)));
  }
});
afterAll(async () => {
  await chain?.stop();
});

async function accountOf(key: TestKey): Promise<Box<Amount> | undefined> {
  const boxes = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
  return boxes.find((box) => box.additionalRegisters.R4 === sigmaPropRegister(key.address));
}

async function build(step: Action): Promise<EIP12UnsignedTransaction | undefined> {
  const key = members[step.member]!;
  const wallet = await lets.wallet(key);
  const boxes = await lets.boxes();
  const account = await accountOf(key);
  const amount = BigInt(step.amount);
  const withAccount = (units: bigint) => (account ? { ...boxes, account, amount: units } : undefined);
  switch (step.kind) {
    case "open":
      if (account) return undefined;
      return buildOpenCreditAccount(
        { deployment: lets.deployment, owner: key.address, collateral: amount * ERG },
        wallet,
      );
    case "addCollateral":
      return account && buildAddCollateral(withAccount(amount * ERG)!, wallet);
    case "withdraw":
      return account && buildWithdrawCollateral(withAccount(amount * ERG)!, wallet);
    case "draw":
      return account && buildDraw(withAccount(amount * GPUC)!, wallet);
    case "repay":
      return account && buildRepay(withAccount(amount * GPUC)!, wallet);
    case "swapIn":
      return buildSwapIn({ ...boxes, tokenId: lets.stableTokenId, amount }, wallet);
    case "swapOut":
      return buildSwapOut({ ...boxes, tokenId: lets.stableTokenId, amount: amount * GPUC }, wallet);
    case "transfer": {
      const to = members[step.to]!;
      const pay = new OutputBuilder(SAFE_MIN_BOX_VALUE, to.address).addTokens({
        tokenId: lets.deployment.gpucTokenId,
        amount: amount * GPUC,
      });
      return buildWithWallet(({ addOutputs }) => void addOutputs(pay), wallet);
    }
  }
}

/** ERG in every box the test's parties and the protocol own (fees leave this set; nothing else may). */
async function ergHeld(): Promise<bigint> {
  const owners = [...members.map((m) => m.address), lets.treasury.address];
  const boxes = (await Promise.all(owners.map((a) => chain.client.unspentByAddress(a)))).flat();
  const protocol = await Promise.all([
    chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree),
    lets.bankBox(),
    lets.configBox(),
  ]);
  const all = [...boxes, ...protocol[0], protocol[1], protocol[2]];
  return all.reduce((sum, box) => sum + BigInt(box.value), 0n);
}

async function invariants(): Promise<{ gpucTotal: bigint; debts: bigint; outside: bigint }> {
  const holding = await chain.client.unspentByTokenId(lets.deployment.gpucTokenId);
  const gpucTotal = holding.reduce((sum, box) => sum + tokenAmount(box, lets.deployment.gpucTokenId), 0n);
  const accounts = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
  const debts = accounts.reduce((sum, box) => sum + parseCreditAccount(box, lets.deployment).debt, 0n);
  const outside = GPUC_SUPPLY - tokenAmount(await lets.bankBox(), lets.deployment.gpucTokenId);
  return { gpucTotal, debts, outside };
}

async function apply(step: Action): Promise<void> {
  const tx = await build(step).catch((error: unknown) => {
    if (error instanceof GpucProtocolError) return undefined; // a refused request: nothing to check
    throw error;
  });
  if (!tx) {
    stats.refused++;
    return;
  }
  const bankBefore = tokenAmount(await lets.bankBox(), lets.deployment.gpucTokenId);
  const ergBefore = await ergHeld();
  await chain.signSubmitMine(members[step.member]!.signer, tx);
  stats.accepted++;
  if (step.kind === "swapIn" || step.kind === "swapOut") {
    swapIssued += bankBefore - tokenAmount(await lets.bankBox(), lets.deployment.gpucTokenId);
  }
  expect(await ergHeld()).toBe(ergBefore - FEE);
  const { gpucTotal, debts, outside } = await invariants();
  expect(gpucTotal).toBe(GPUC_SUPPLY);
  expect(debts).toBe(outside - swapIssued);
}

describe("LETS properties (devnet)", () => {
  it("Should keep GPUC conserved, ERG changed only by fees, and Σ debts = GPUC outside the Bank − swap issuance", async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 10 }), async (steps) => {
        for (const step of steps) await apply(step);
      }),
      { numRuns: 6, endOnFailure: true },
    );
    stats.ms = Date.now() - started;
    expect(stats.accepted).toBeGreaterThan(0);
  });
});
