// `npm run bench:contracts`: the node's cost, size and fee of every GPUC action, and of batched claims.
// Each transaction is accepted by the devnet's full validation before it is reported; its cost is computed by
// sigmastate-js reduction plus the interpreter's crypto-verification estimate, with mainnet cost parameters
// (see cost.ts). Prints one JSON document on stdout.
import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { FEE_CONTRACT, TransactionBuilder } from "@fleet-sdk/core";
import { listingHash } from "@gpuc/sdk";
import type { ChainBox, SignedTransaction } from "../src/chain/types.ts";
import { buildClaimTx } from "../src/protocol/escrow/claim.ts";
import { providerCloseCap, splitFee } from "../src/protocol/escrow/clock.ts";
import {
  buildArbiterResolveTx,
  buildConsumerExitTx,
  buildCooperativeCloseTx,
  buildExpireTx,
  buildProviderCloseTx,
} from "../src/protocol/escrow/close.ts";
import { buildExtendTx } from "../src/protocol/escrow/extend.ts";
import { openEscrow } from "../src/protocol/escrow/open.ts";
import { parseEscrowBox } from "../src/protocol/escrow/registers.ts";
import { type Party, type RentalsChain, startRentalsChain } from "../src/protocol/escrow/testChain.ts";
import {
  buildCreateStakeTx,
  buildSlashStakeTx,
  buildUpdateStakeTx,
  buildWithdrawStakeTx,
} from "../src/protocol/stake/stake.ts";
import {
  ACTION_COST_BUDGET,
  TX_COST_LIMIT,
  TX_SIZE_LIMIT,
  transactionCost,
  transactionSize,
} from "./cost.ts";
import { letsScenarios } from "./lets.scenarios.ts";

const ERG = 1_000_000_000n;
const PRICE = 1_000_000n;
const HOURS = 24;

interface ActionReport {
  action: string;
  bytes: number;
  cost: number;
  /** Script reduction and crypto verification, per input (block-cost units). */
  scripts: number;
  feeNanoErg: string;
  withinBudget: boolean;
}

async function main(): Promise<void> {
  const started = Date.now();
  const rc = await startRentalsChain();
  try {
    const actions = [...(await rentalsActions(rc)), ...(await letsActions(rc))];
    const batches = await batchedClaims(rc);
    const report = {
      costUnits: "node block-cost units (JIT cost / 10), mainnet parameters",
      actionBudget: ACTION_COST_BUDGET,
      txCostLimit: TX_COST_LIMIT,
      txSizeLimit: TX_SIZE_LIMIT,
      allActionsWithinBudget: actions.every((a) => a.withinBudget),
      actions,
      batchedClaims: batches,
      seconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await rc.stop();
  }
}

/** Signs, submits and mines `tx`, then measures it. */
async function measure(
  rc: RentalsChain,
  action: string,
  tx: EIP12UnsignedTransaction,
  ...signers: Party[]
): Promise<ActionReport & { signed: SignedTransaction }> {
  const height = (await rc.height()) + 1;
  const cost = transactionCost(tx, height);
  const signed = await rc.send(tx, ...signers);
  const report = describeTx(action, signed, cost.cost, cost.cost - cost.initialCost);
  return { ...report, signed };
}

function describeTx(action: string, signed: SignedTransaction, cost: number, scripts: number): ActionReport {
  const fee = signed.outputs.find((output) => output.ergoTree === FEE_CONTRACT)?.value ?? 0;
  return {
    action,
    bytes: transactionSize(signed),
    cost,
    scripts,
    feeNanoErg: String(fee),
    withinBudget: cost <= ACTION_COST_BUDGET,
  };
}

async function rentalsActions(rc: RentalsChain): Promise<ActionReport[]> {
  const provider = await rc.party({ nanoErgs: 1_000n * ERG });
  const consumer = await rc.party({ nanoErgs: 100n * ERG, gpuc: 10_000n * PRICE });
  const deployment = rc.deployment;
  const reports: ActionReport[] = [];
  const record = async (action: string, tx: EIP12UnsignedTransaction, ...signers: Party[]) => {
    const { signed, ...report } = await measure(rc, action, tx, ...signers);
    reports.push(report);
    return signed;
  };
  const box = async (signed: SignedTransaction, index: number) =>
    (await rc.chain.client.unspentBox(signed.outputs[index]!.boxId!)) as ChainBox;
  const funding = async (party: Party) => ({
    inputs: await rc.unspent(party.address),
    changeAddress: party.address,
  });
  const base = async () => ({ deployment, configBox: await rc.configBox(), height: await rc.height() });
  const listing = { gpus: [{ model: "RTX 4090", vramGb: 24, count: 2 }], pricePerHour: PRICE, region: "eu" };

  // Provider Stake.
  let stake = await box(
    await record(
      "stake: create",
      buildCreateStakeTx({
        deployment,
        provider: provider.address,
        amount: 100n * ERG,
        listingHash: listingHash(listing),
        height: await rc.height(),
        ...(await funding(provider)),
      }),
      provider,
    ),
    0,
  );
  const update = async (action: string, change: object) => {
    const tx = buildUpdateStakeTx({
      deployment,
      stakeBox: stake,
      provider: provider.address,
      height: await rc.height(),
      ...(await funding(provider)),
      ...change,
    });
    stake = await box(await record(action, tx, provider), 0);
  };
  await update("stake: top up", { topUp: 10n * ERG });
  await update("stake: update listing", { listingHash: listingHash({ ...listing, region: "us" }) });
  const slashed = await record(
    "stake: slash (partial)",
    buildSlashStakeTx({
      ...(await base()),
      stakeBox: stake,
      amount: 5n * ERG,
      recipient: rc.treasury.address,
      evidenceHash: "ee".repeat(32),
      ...(await funding(rc.arbiter)),
    }),
    rc.arbiter,
  );
  stake = await box(slashed, 1);
  await update("stake: start unbonding", { unbonding: "start" });
  await rc.mineTo((await rc.height()) + rc.params.unbondingBlocks);
  await record(
    "stake: withdraw",
    buildWithdrawStakeTx({
      ...(await base()),
      stakeBox: stake,
      provider: provider.address,
      inputs: [],
      changeAddress: provider.address,
    }),
    provider,
  );

  // Rental Escrow.
  const open = async (rentalId: string) => {
    const height = await rc.height();
    const plugin = openEscrow({
      deployment,
      consumer: consumer.address,
      provider: provider.address,
      pricePerHour: PRICE,
      prepaidHours: HOURS,
      startHeight: height,
      rentalId,
    });
    const tx = new TransactionBuilder(height)
      .from((await funding(consumer)).inputs)
      .extend(plugin)
      .sendChangeTo(consumer.address)
      .payMinFee()
      .build()
      .toEIP12Object();
    return box(await record("escrow: open", tx, consumer), 0);
  };
  let escrow = await open("01");
  await rc.mineTo(parseStart(rc, escrow) + rc.params.blocksPerHour);
  const claimed = await record(
    "escrow: claim (1 escrow)",
    buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: [{ escrowBox: escrow }],
      ...(await funding(provider)),
    }),
    provider,
  );
  escrow = await box(claimed, 2);
  const extended = await record(
    "escrow: extend",
    buildExtendTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: escrow,
      hours: 2,
      ...(await funding(consumer)),
    }),
    consumer,
  );
  escrow = await box(extended, 0);
  await record(
    "escrow: cooperative close",
    buildCooperativeCloseTx({
      ...(await base()),
      escrowBox: escrow,
      providerShare: PRICE / 2n,
      ...(await funding(consumer)),
    }),
    consumer,
    provider,
  );
  // Provider close inside hour 2 of a fresh escrow: one whole hour and part of the next, pro rata by blocks.
  const closing = await openQuiet(rc, consumer, provider, "05");
  await rc.mineTo(parseStart(rc, closing) + rc.params.blocksPerHour + 1);
  await record(
    "escrow: provider close",
    buildProviderCloseTx({
      ...(await base()),
      provider: provider.address,
      escrowBox: closing,
      providerShare: providerCloseCap(
        parseEscrowBox(closing, deployment),
        (await rc.height()) + 1,
        rc.params.blocksPerHour,
      ),
      ...(await funding(provider)),
    }),
    provider,
  );
  const exitEscrow = await openQuiet(rc, consumer, provider, "02");
  await rc.mineTo((await rc.height()) + 1);
  await record(
    "escrow: consumer exit",
    buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: exitEscrow,
      ...(await funding(consumer)),
    }),
    consumer,
  );
  const disputed = await openQuiet(rc, consumer, provider, "03");
  await record(
    "escrow: arbiter resolve",
    buildArbiterResolveTx({
      ...(await base()),
      escrowBox: disputed,
      providerShare: 0n,
      ...(await funding(rc.arbiter)),
    }),
    rc.arbiter,
  );
  const expiring = await openQuiet(rc, consumer, provider, "04", 2);
  await rc.mineTo(parseStart(rc, expiring) + 2 * rc.params.blocksPerHour + rc.params.disputeGraceBlocks);
  await record(
    "escrow: expiry",
    buildExpireTx({ ...(await base()), escrowBox: expiring, ...(await funding(provider)) }),
    provider,
  );
  return reports;
}

async function letsActions(rc: RentalsChain): Promise<ActionReport[]> {
  const scenarios = await letsScenarios(rc.chain);
  return scenarios.map((scenario) => {
    const cost = transactionCost(scenario.unsignedTx, scenario.height);
    return describeTx(`lets: ${scenario.action}`, scenario.signedTx, cost.cost, cost.cost - cost.initialCost);
  });
}

interface BatchReport {
  escrows: number;
  bytes: number;
  cost: number;
  costPerEscrow: number;
  feeNanoErg: string;
  /** Miner fee per claimed rental-hour (one hour per escrow). */
  feePerRentalHourNanoErg: number;
  /** ERG the provider locks in payout boxes (its own, spendable), per rental-hour. */
  payoutBoxErgPerRentalHour: number;
  withinTxLimits: boolean;
}

/** Claims one hour from each of K escrows in one transaction, for K = 1, 10 and the largest K that fits. */
async function batchedClaims(rc: RentalsChain): Promise<BatchReport[]> {
  const provider = await rc.party({ nanoErgs: 10_000n * ERG });
  const consumer = await rc.party({ nanoErgs: 10_000n * ERG, gpuc: 100_000n * PRICE });
  const one = await claimBatch(rc, provider, consumer, 1);
  const ten = await claimBatch(rc, provider, consumer, 10);
  // Cost and size grow linearly in K: extrapolate from K = 1 and 10, then check the guess on the devnet.
  const byCost = Math.floor((TX_COST_LIMIT - one.cost) / ((ten.cost - one.cost) / 9)) + 1;
  const bySize = Math.floor((TX_SIZE_LIMIT - one.bytes) / ((ten.bytes - one.bytes) / 9)) + 1;
  let k = Math.min(byCost, bySize);
  let largest = await claimBatch(rc, provider, consumer, k);
  while (!largest.withinTxLimits && k > 10) {
    k -= 1;
    largest = await claimBatch(rc, provider, consumer, k);
  }
  return [one, ten, largest];
}

async function claimBatch(
  rc: RentalsChain,
  provider: Party,
  consumer: Party,
  count: number,
): Promise<BatchReport> {
  const escrows: ChainBox[] = [];
  for (let from = 0; from < count; from += 25) {
    escrows.push(
      ...(await openMany(rc, consumer, provider, Math.min(25, count - from), `b${count}-${from}`)),
    );
  }
  await rc.mineTo(parseStart(rc, escrows[escrows.length - 1]!) + rc.params.blocksPerHour);
  const tx = buildClaimTx({
    deployment: rc.deployment,
    configBox: await rc.configBox(),
    height: await rc.height(),
    provider: provider.address,
    claims: escrows.map((escrowBox) => ({ escrowBox, hours: 1 })),
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
  const cost = transactionCost(tx, (await rc.height()) + 1);
  const signed = await provider.signer.sign(tx, rc.chain.client);
  const bytes = transactionSize(signed);
  const withinTxLimits = cost.cost <= TX_COST_LIMIT && bytes <= TX_SIZE_LIMIT;
  // Submitted only when a node would take it; the devnet does not enforce the mempool's cost and size limits.
  if (withinTxLimits) {
    await rc.chain.client.submit(signed);
    await rc.chain.mine();
  }
  const fee = BigInt(signed.outputs.find((output) => output.ergoTree === FEE_CONTRACT)?.value ?? 0);
  const { net } = splitFee(PRICE, rc.params.feeBps);
  const payoutErg = signed.outputs
    .filter(
      (output) =>
        output.additionalRegisters.R4?.startsWith("0e20") && output.assets[0]?.amount === String(net),
    )
    .reduce((sum, output) => sum + BigInt(output.value), 0n);
  return {
    escrows: count,
    bytes,
    cost: cost.cost,
    costPerEscrow: Math.round(cost.cost / count),
    feeNanoErg: fee.toString(),
    feePerRentalHourNanoErg: Number(fee) / count,
    payoutBoxErgPerRentalHour: Number(payoutErg) / count,
    withinTxLimits,
  };
}

/** Opens `count` escrows of `HOURS` prepaid hours in one transaction. */
async function openMany(
  rc: RentalsChain,
  consumer: Party,
  provider: Party,
  count: number,
  tag: string,
): Promise<ChainBox[]> {
  const height = await rc.height();
  let builder = new TransactionBuilder(height).from(await rc.unspent(consumer.address));
  for (let i = 0; i < count; i++) {
    const rentalId = Buffer.from(`${tag}-${i}`).toString("hex");
    builder = builder.extend(
      openEscrow({
        deployment: rc.deployment,
        consumer: consumer.address,
        provider: provider.address,
        pricePerHour: PRICE,
        prepaidHours: HOURS,
        startHeight: height,
        rentalId,
      }),
    );
  }
  const signed = await rc.send(
    builder.sendChangeTo(consumer.address).payMinFee().build().toEIP12Object(),
    consumer,
  );
  const boxes = await Promise.all(
    signed.outputs.slice(0, count).map((o) => rc.chain.client.unspentBox(o.boxId!)),
  );
  return boxes as ChainBox[];
}

async function openQuiet(
  rc: RentalsChain,
  consumer: Party,
  provider: Party,
  tag: string,
  hours = HOURS,
): Promise<ChainBox> {
  const height = await rc.height();
  const plugin = openEscrow({
    deployment: rc.deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: PRICE,
    prepaidHours: hours,
    startHeight: height,
    rentalId: Buffer.from(tag).toString("hex"),
  });
  const tx = new TransactionBuilder(height)
    .from(await rc.unspent(consumer.address))
    .extend(plugin)
    .sendChangeTo(consumer.address)
    .payMinFee()
    .build()
    .toEIP12Object();
  const signed = await rc.send(tx, consumer);
  return (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!)) as ChainBox;
}

function parseStart(rc: RentalsChain, box: ChainBox): number {
  return parseEscrowBox(box, rc.deployment).startHeight;
}

await main();
