import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  ErgoAddress,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { SByte, SColl, SInt, SLong } from "@fleet-sdk/serializer";
import { STAKE_HEIGHT_SLACK, StakeAction, StakeVar } from "@gpuc/ergoscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { moveErg, tamperTx } from "../deploy/tamper.ts";
import { type Party, type RentalsChain, startRentalsChain } from "../escrow/testChain.ts";
import { parseStakeBox } from "./registers.ts";
import { ERG, stakeKit } from "./testing.ts";

// The Provider Stake's guards one by one: each test is the spend one missing guard would let through (or, at a
// bound, the honest spend a too-strict guard would refuse). stake.spec.ts covers the everyday paths.

let rc: RentalsChain;
let kit: ReturnType<typeof stakeKit>;
let provider: Party;
let stranger: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  kit = stakeKit(rc);
  provider = await rc.party({ nanoErgs: 200n * ERG });
  stranger = await rc.party({ nanoErgs: 20n * ERG });
});
afterAll(() => rc?.stop());

const treeOf = (party: Party) => ErgoAddress.decode(party.address).ergoTree;
const refusedAlone = (tx: EIP12UnsignedTransaction, signers: Party[], stake: ChainBox) =>
  kit.expectRefused(tx, signers, [stake.boxId]);

describe("Provider Stake update guards (devnet)", () => {
  const listingUpdate = (box: ChainBox) => kit.updateTx(box, provider, { listingHash: "ab".repeat(32) });

  it("Should refuse an update whose successor has another script (the stake taken without unbonding)", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await listingUpdate(box), (copy) => {
      copy.outputs[0]!.ergoTree = treeOf(provider);
    });
    await refusedAlone(tx, [provider], box);
  });

  it("Should refuse an update that hands the stake to another provider", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await listingUpdate(box), (copy) => {
      copy.outputs[0]!.additionalRegisters.R4 = sigmaPropRegister(stranger.address);
    });
    await refusedAlone(tx, [provider], box);
  });

  it("Should refuse an update whose listing hash is not 32 bytes", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await listingUpdate(box), (copy) => {
      copy.outputs[0]!.additionalRegisters.R5 = SColl(SByte, "ab".repeat(31)).toHex();
    });
    await refusedAlone(tx, [provider], box);
  });

  it("Should accept an unbonding start backdated by exactly the height slack", async () => {
    const box = await kit.create(provider);
    const honest = await kit.updateTx(box, provider, { unbonding: "start" });
    const start = (await rc.height()) + 1 - STAKE_HEIGHT_SLACK; // HEIGHT is the next block's
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[0]!.additionalRegisters.R6 = SInt(start).toHex();
    });
    const signed = await rc.send(tx, provider);
    expect(parseStakeBox(await kit.output(signed, 0), rc.deployment).unbondingStart).toBe(start);
  });
});

describe("Provider Stake withdrawal guards (devnet)", () => {
  /** A withdrawal without the builder's checks, reading `configBox`, paid to `payer`. */
  async function rawWithdraw(
    stake: ChainBox,
    configBox: ChainBox,
    payer: Party,
  ): Promise<EIP12UnsignedTransaction> {
    const input = { ...stake, extension: { [StakeVar.action]: SByte(StakeAction.withdraw).toHex() } };
    return new TransactionBuilder(await rc.height())
      .from(input, { ensureInclusion: true })
      .withDataFrom(configBox)
      .sendChangeTo(payer.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
  }

  it("Should refuse a withdrawal of an unbonded stake not signed by its provider", async () => {
    const unbonding = await kit.output(
      await rc.send(
        await kit.updateTx(await kit.create(provider), provider, { unbonding: "start" }),
        provider,
      ),
      0,
    );
    await rc.mineTo((await rc.height()) + rc.params.unbondingBlocks + 1);
    const tx = await rawWithdraw(unbonding, await rc.configBox(), stranger);
    await refusedAlone(tx, [stranger], unbonding);
  });

  it("Should refuse a withdrawal timed by a fake Config with no unbonding period", async () => {
    const unbonding = await kit.output(
      await rc.send(
        await kit.updateTx(await kit.create(provider), provider, { unbonding: "start" }),
        provider,
      ),
      0,
    );
    const tx = await rawWithdraw(unbonding, await rc.fakeConfig({ unbondingBlocks: 0 }), provider);
    await refusedAlone(tx, [provider], unbonding);
  });

  it("Should let a stake whose unbonding started at height 0 be withdrawn (the bound is inclusive)", async () => {
    // Nothing runs at creation, so a stake may be made already unbonding; 0 is the earliest start there is.
    const created = tamperTx(await kit.createTx(provider, 2n * ERG), (copy) => {
      copy.outputs[0]!.additionalRegisters.R6 = SInt(0).toHex();
    });
    const stake = await kit.output(await rc.send(created, provider), 0);
    expect(await rc.height()).toBeGreaterThanOrEqual(rc.params.unbondingBlocks);
    await rc.send(await rawWithdraw(stake, await rc.configBox(), provider), provider);
    expect(await rc.chain.client.unspentBox(stake.boxId)).toBeUndefined();
  });
});

describe("Provider Stake slash guards (devnet)", () => {
  const slashVars = (amount: bigint) => ({
    [StakeVar.action]: SByte(StakeAction.slash).toHex(),
    [StakeVar.slashAmount]: SLong(amount).toHex(),
  });
  const declare = (copy: EIP12UnsignedTransaction, amount: bigint) => {
    copy.inputs[0]!.extension = slashVars(amount);
  };

  it("Should refuse a slash signed by the arbiter of a fake Config", async () => {
    const box = await kit.create(provider);
    const fake = await rc.fakeConfig({ arbiter: stranger.address });
    const tx = tamperTx(await kit.slashTx(box, ERG, stranger), (copy) => {
      copy.dataInputs = [fake];
    });
    await refusedAlone(tx, [stranger], box);
  });

  it("Should refuse a slash of nothing (declared amount 0, the stake kept whole)", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await kit.slashTx(box, ERG), (copy) => {
      declare(copy, 0n);
      moveErg(copy.outputs, -1, 1, ERG); // the arbiter pays the payout; the rest output holds the whole stake
    });
    await refusedAlone(tx, [rc.arbiter], box);
  });

  it("Should refuse a slash of more than the stake, leaving a token stake behind", async () => {
    const box = await kit.create(provider, 2n * ERG);
    const tx = tamperTx(await kit.slashTx(box, ERG), (copy) => {
      declare(copy, 2n * ERG + 1n);
      moveErg(copy.outputs, -1, 0, ERG + 1n); // payout 2 ERG + 1, paid partly by the arbiter
      moveErg(copy.outputs, 1, -1, ERG - SAFE_MIN_BOX_VALUE); // the "rest" keeps only the minimum box value
    });
    await refusedAlone(tx, [rc.arbiter], box);
  });

  it("Should refuse a slash whose payout is less than the declared amount", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await kit.slashTx(box, ERG), (copy) => moveErg(copy.outputs, 0, -1, ERG / 2n));
    await refusedAlone(tx, [rc.arbiter], box);
  });

  it("Should refuse a partial slash whose rest points at another listing", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await kit.slashTx(box, ERG), (copy) => {
      copy.outputs[1]!.additionalRegisters.R5 = SColl(SByte, "ab".repeat(32)).toHex();
    });
    await refusedAlone(tx, [rc.arbiter], box);
  });

  it("Should refuse a partial slash whose rest is marked unbonding (withdrawable at once)", async () => {
    const box = await kit.create(provider);
    const tx = tamperTx(await kit.slashTx(box, ERG), (copy) => {
      copy.outputs[1]!.additionalRegisters.R6 = SInt(0).toHex();
    });
    await refusedAlone(tx, [rc.arbiter], box);
  });
});
