import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { StakeAction } from "@gpuc/ergoscript";
import { listingHash } from "@gpuc/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { type Party, type RentalsChain, startRentalsChain } from "../escrow/testChain.ts";
import { nodeStakeView } from "../lineage/nodeView.ts";
import type { LineageView } from "../lineage/view.ts";
import { followStake } from "./lineage.ts";
import { BONDED, parseStakeBox, type StakeState, stakeRegisters } from "./registers.ts";
import { buildCreateStakeTx, buildSlashStakeTx, buildUpdateStakeTx, withdrawStake } from "./stake.ts";

// A provider's stake followed over the devnet through its updates and slashes, through the node and as an index
// of boxes sees it (no spending proofs): only the output each path pins continues the stake.

const ERG = 1_000_000_000n;
const LISTING = { gpus: [{ model: "RTX 4090", vramGb: 24, count: 2 }], region: "eu-west" };

let rc: RentalsChain;
let provider: Party;
let stranger: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  provider = await rc.party({ nanoErgs: 200n * ERG });
  stranger = await rc.party();
});
afterAll(() => rc?.stop());

const node = (): LineageView => nodeStakeView(rc.chain.client, rc.deployment);

/** The chain as the marketplace's index holds it: the same boxes and spends, without the spends' extensions. */
function index(): LineageView {
  const view = node();
  return {
    box: (boxId) => view.box(boxId),
    async whereabouts(boxId) {
      const where = await view.whereabouts(boxId);
      return where?.status === "spent"
        ? { status: "spent", by: { ...where.by, extension: undefined } }
        : where;
    },
  };
}

const read = (box: ChainBox): StakeState => parseStakeBox(box, rc.deployment);
const options = () => ({ deployment: rc.deployment });

async function output(signed: { outputs: ChainBox[] }, index: number): Promise<ChainBox> {
  return (await rc.chain.client.unspentBox(signed.outputs[index]!.boxId))!;
}

async function create(amount = 10n * ERG): Promise<ChainBox> {
  const tx = buildCreateStakeTx({
    deployment: rc.deployment,
    provider: provider.address,
    amount,
    listingHash: listingHash(LISTING),
    height: await rc.height(),
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
  return output(await rc.send(tx, provider), 0);
}

async function update(stakeBox: ChainBox, change: Partial<Parameters<typeof buildUpdateStakeTx>[0]>) {
  const tx = buildUpdateStakeTx({
    deployment: rc.deployment,
    stakeBox,
    provider: provider.address,
    height: await rc.height(),
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
    ...change,
  });
  return output(await rc.send(tx, provider), 0);
}

async function slash(stakeBox: ChainBox, amount: bigint) {
  const tx = buildSlashStakeTx({
    deployment: rc.deployment,
    configBox: await rc.configBox(),
    stakeBox,
    amount,
    recipient: rc.treasury.address,
    evidenceHash: "ee".repeat(32),
    height: await rc.height(),
    inputs: await rc.unspent(rc.arbiter.address),
    changeAddress: rc.arbiter.address,
  });
  return rc.send(tx, rc.arbiter);
}

describe("Provider Stake lineage on the devnet", () => {
  it("Should follow a stake through its top-up, listing update and partial slash, through the node and an index", async () => {
    const created = await create();
    const topped = await update(created, { topUp: 5n * ERG });
    const relisted = await update(topped, { listingHash: listingHash({ ...LISTING, region: "us" }) });
    const slashed = await output(await slash(relisted, 2n * ERG), 1);

    for (const view of [node(), index()]) {
      const followed = await followStake(view, read(created), options());
      expect(followed).toMatchObject({
        status: "unspent",
        stake: { boxId: slashed.boxId, value: 13n * ERG },
      });
      expect(followed.steps.map((step) => step.action)).toEqual([
        StakeAction.update,
        StakeAction.update,
        StakeAction.slash,
      ]);
    }
    await slash(slashed, 13n * ERG); // all of it: nothing left to follow
    for (const view of [node(), index()]) {
      expect(await followStake(view, read(created), options())).toMatchObject({
        status: "closed",
        stake: { boxId: slashed.boxId },
      });
    }
  });

  it("Should not take a stranger's dust box naming the provider for the provider's stake", async () => {
    const created = await create();
    const dust = new TransactionBuilder(await rc.height())
      .from(await rc.unspent(stranger.address))
      .to(
        new OutputBuilder(1_000_000n, rc.deployment.contracts.providerStake.ergoTree).setAdditionalRegisters(
          stakeRegisters(sigmaPropRegister(provider.address), "00".repeat(32), BONDED),
        ),
      )
      .sendChangeTo(stranger.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    await rc.send(dust, stranger);
    for (const view of [node(), index()]) {
      const followed = await followStake(view, read(created), options());
      expect(followed).toMatchObject({ status: "unspent", stake: { boxId: created.boxId } });
    }
  });

  it("Should end the lineage at a withdrawal, even one leaving a smaller stake box at output 0", async () => {
    const unbonding = await update(await create(), { unbonding: "start" });
    await rc.mineTo(read(unbonding).unbondingStart! + rc.params.unbondingBlocks);
    const leftover = new OutputBuilder(
      1n * ERG,
      rc.deployment.contracts.providerStake.ergoTree,
    ).setAdditionalRegisters(
      stakeRegisters(sigmaPropRegister(provider.address), listingHash(LISTING), BONDED),
    );
    const withdraw = new TransactionBuilder(await rc.height())
      .from(await rc.unspent(provider.address))
      .to(leftover)
      .extend(
        withdrawStake({
          deployment: rc.deployment,
          configBox: await rc.configBox(),
          stakeBox: unbonding,
          provider: provider.address,
          height: await rc.height(),
        }),
      )
      .sendChangeTo(provider.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object();
    const signed = await rc.send(withdraw, provider);
    expect(read(signed.outputs[0]!)).toMatchObject({ value: 1n * ERG, unbondingStart: undefined });

    for (const view of [node(), index()]) {
      expect(await followStake(view, read(unbonding), options())).toMatchObject({
        status: "closed",
        stake: { boxId: unbonding.boxId },
      });
    }
  });
});
