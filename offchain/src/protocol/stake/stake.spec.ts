import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { ErgoAddress, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { SByte, SInt, SLong } from "@fleet-sdk/serializer";
import { StakeAction, StakeVar } from "@gpuc/ergoscript";
import { listingHash } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { tamperTx } from "../deploy/tamper.ts";
import { type Party, type RentalsChain, startRentalsChain } from "../escrow/testChain.ts";
import { parseStakeBox } from "./registers.ts";
import type { StakeUpdateParams } from "./stake.ts";
import { ERG, EVIDENCE, LISTING, stakeKit } from "./testing.ts";

let rc: RentalsChain;
let kit: ReturnType<typeof stakeKit>;
let provider: Party;
let stranger: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  kit = stakeKit(rc);
  provider = await rc.party({ nanoErgs: 100n * ERG });
  stranger = await rc.party();
});
afterAll(() => rc?.stop());

const stake = (amount = 10n * ERG) => kit.create(provider, amount);
const output = (signed: { outputs: { boxId?: string }[] }, index: number) => kit.output(signed, index);
const withdrawTx = (stakeBox: ChainBox) => kit.withdrawTx(stakeBox, provider);
const slashTx = (stakeBox: ChainBox, amount: bigint, payer: Party = rc.arbiter) =>
  kit.slashTx(stakeBox, amount, payer);
const expectRefused = (tx: EIP12UnsignedTransaction, signers: Party[], refused: string[]) =>
  kit.expectRefused(tx, signers, refused);

async function update(stakeBox: ChainBox, change: Partial<StakeUpdateParams>): Promise<ChainBox> {
  return output(await rc.send(await kit.updateTx(stakeBox, provider, change), provider), 0);
}

describe("Provider Stake on the devnet", () => {
  it("Should create a bonded stake that parseStakeBox reads back", async () => {
    const box = await stake();
    expect(parseStakeBox(box, rc.deployment)).toMatchObject({
      provider: ErgoAddress.decode(provider.address).ergoTree,
      listingHash: listingHash(LISTING),
      unbondingStart: undefined,
      value: 10n * ERG,
    });
  });

  it("Should let the provider top up and point the stake at a new listing", async () => {
    const box = await update(await stake(), {
      topUp: 5n * ERG,
      listingHash: listingHash({ ...LISTING, region: "us" }),
    });
    expect(parseStakeBox(box, rc.deployment)).toMatchObject({
      value: 15n * ERG,
      listingHash: listingHash({ ...LISTING, region: "us" }),
    });
  });

  it("Should let the provider unbond and withdraw only once the unbonding period has passed", async () => {
    const unbonding = await update(await stake(), { unbonding: "start" });
    const start = parseStakeBox(unbonding, rc.deployment).unbondingStart!;
    expect(start).toBe((await rc.height()) - 1);
    await rc.mineTo(start + rc.params.unbondingBlocks - 2); // the next block is one short
    await expectRefused(await rawWithdraw(unbonding), [provider], [unbonding.boxId]);
    await rc.chain.mine();
    const before = await balance(provider.address);
    await rc.send(await withdrawTx(unbonding), provider);
    expect((await balance(provider.address)) - before).toBeGreaterThan(9n * ERG);
  });

  it("Should refuse a withdrawal of a bonded stake", async () => {
    const box = await stake();
    await expectRefused(await rawWithdraw(box), [provider], [box.boxId]);
  });

  it("Should refuse a backdated unbonding start", async () => {
    const box = await stake();
    const honest = await kit.updateTx(box, provider, { unbonding: "start" });
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[0]!.additionalRegisters.R6 = SInt(copy.outputs[0]!.creationHeight - 100).toHex();
    });
    await expectRefused(tx, [provider], [box.boxId]);
  });

  it("Should refuse taking ERG out of a bonded stake", async () => {
    const box = await stake();
    const honest = await kit.updateTx(box, provider, {
      listingHash: listingHash({ ...LISTING, region: "ap" }),
    });
    const tx = tamperTx(honest, (copy) => {
      const taken = ERG;
      copy.outputs[0]!.value = (BigInt(copy.outputs[0]!.value) - taken).toString();
      const change = copy.outputs[copy.outputs.length - 1]!;
      change.value = (BigInt(change.value) + taken).toString();
    });
    await expectRefused(tx, [provider], [box.boxId]);
  });

  it("Should refuse a stake update signed by someone else", async () => {
    const box = await stake();
    const honest = await kit.updateTx(box, provider, { topUp: ERG }, stranger);
    await expectRefused(honest, [stranger], [box.boxId]);
  });

  it("Should let the arbiter slash part of a stake, recording the evidence and keeping the rest staked", async () => {
    const box = await stake();
    const signed = await rc.send(await slashTx(box, 3n * ERG), rc.arbiter);
    const payout = await output(signed, 0);
    expect(payout).toMatchObject({
      value: (3n * ERG).toString(),
      additionalRegisters: { R4: `0e20${EVIDENCE}` },
    });
    expect(parseStakeBox(await output(signed, 1), rc.deployment)).toMatchObject({
      value: 7n * ERG,
      listingHash: listingHash(LISTING),
      unbondingStart: undefined,
    });
  });

  it("Should let the arbiter slash a whole stake", async () => {
    const box = await stake(2n * ERG);
    const signed = await rc.send(await slashTx(box, 2n * ERG), rc.arbiter);
    expect(signed.outputs.some((o) => o.ergoTree === rc.deployment.contracts.providerStake.ergoTree)).toBe(
      false,
    );
  });

  it("Should refuse a slash without the arbiter", async () => {
    const box = await stake();
    const tx = await slashTx(box, ERG, stranger);
    // Neither a stranger nor the provider itself can slash: only the Config's arbiter.
    await expectRefused(tx, [stranger, provider], [box.boxId]);
  });

  it("Should refuse a slash whose payout lacks the evidence hash or that keeps back more than it declares", async () => {
    const box = await stake();
    const honest = await slashTx(box, ERG);
    const noEvidence = tamperTx(honest, (copy) => {
      copy.outputs[0]!.additionalRegisters = { R4: "0e00" }; // an empty hash instead of the evidence
    });
    await expectRefused(noEvidence, [rc.arbiter], [box.boxId]);
    const skimmed = tamperTx(honest, (copy) => {
      copy.outputs[1]!.value = (BigInt(copy.outputs[1]!.value) - ERG).toString();
      const change = copy.outputs[copy.outputs.length - 1]!;
      change.value = (BigInt(change.value) + ERG).toString();
    });
    await expectRefused(skimmed, [rc.arbiter], [box.boxId]);
  });

  it("Should refuse an update spending two stakes of one provider into a single recreated stake", async () => {
    // The review's attack: S1 and S2 (20 ERG each) both point at OUTPUTS(0), one 20 ERG stake; the provider
    // would take the other 20 ERG back as change without unbonding.
    const owner = await rc.party({ nanoErgs: 100n * ERG });
    const [s1, s2] = [await kit.create(owner, 20n * ERG), await kit.create(owner, 20n * ERG)];
    const honest = await kit.updateTx(s1, owner, { listingHash: listingHash({ ...LISTING, region: "us" }) });
    const update = { [StakeVar.action]: SByte(StakeAction.update).toHex() };
    await expectRefused(withSecondStake(honest, s2, update), [owner], [s1.boxId, s2.boxId]);
  });

  it("Should refuse a slash of two stakes sharing one payout and one rest", async () => {
    const owner = await rc.party({ nanoErgs: 100n * ERG });
    const [s1, s2] = [await kit.create(owner, 20n * ERG), await kit.create(owner, 20n * ERG)];
    const honest = await slashTx(s1, ERG);
    const slash = {
      [StakeVar.action]: SByte(StakeAction.slash).toHex(),
      [StakeVar.slashAmount]: SLong(ERG).toHex(),
    };
    await expectRefused(withSecondStake(honest, s2, slash), [rc.arbiter], [s1.boxId, s2.boxId]);
  });
});

/** `tx` with a second stake input on the same path (its ERG to the change), pointing at the first one's outputs. */
function withSecondStake(
  tx: EIP12UnsignedTransaction,
  second: ChainBox,
  extension: Record<number, string>,
): EIP12UnsignedTransaction {
  return tamperTx(tx, (copy) => {
    copy.inputs.push({ ...second, extension });
    const change = copy.outputs[copy.outputs.length - 1]!;
    change.value = (BigInt(change.value) + BigInt(second.value)).toString();
  });
}

/** A withdrawal built without the builder's unbonding check, as an impatient provider would. */
async function rawWithdraw(stakeBox: ChainBox): Promise<EIP12UnsignedTransaction> {
  const input = { ...stakeBox, extension: { [StakeVar.action]: SByte(StakeAction.withdraw).toHex() } };
  return new TransactionBuilder(await rc.height())
    .from(input, { ensureInclusion: true })
    .withDataFrom(await rc.configBox())
    .sendChangeTo(provider.address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build()
    .toEIP12Object();
}

async function balance(address: string): Promise<bigint> {
  return (await rc.unspent(address)).reduce((sum, box) => sum + BigInt(box.value), 0n);
}
