import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { ErgoAddress, OutputBuilder, SAFE_MIN_BOX_VALUE } from "@fleet-sdk/core";
import { SByte, SColl, SLong } from "@fleet-sdk/serializer";
import { EscrowAction } from "@gpuc/ergoscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { parseConfigBox } from "../config.ts";
import { moveErg, moveToken, tamper } from "../deploy/tamper.ts";
import { buildClaimTx } from "./claim.ts";
import { providerCloseCap } from "./clock.ts";
import { buildWith } from "./context.ts";
import { buildExtendTx } from "./extend.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { parseEscrowBox } from "./registers.ts";
import { recreatedEscrow, settlementOutputs, spendEscrows } from "./settlement.ts";
import { type Party, type RentalsChain, expectRefused as refusedBy, startRentalsChain } from "./testChain.ts";

// The Rental Escrow's guards one by one: each test is the spend that one missing guard would let through, signed
// with every key the path wants, so the escrow input is the only one the chain refuses. escrow.adversarial.spec.ts
// covers the clock and the payout bounds; this file the recreated escrow, the payouts' tags and tokens, the
// settlement arithmetic, the signatures and the genuine-Config check of every path.

const PRICE = 1_000_000n;
const HOURS = 4;

let rc: RentalsChain;
let consumer: Party;
let provider: Party;
let stranger: Party;
/** A token that is not GPUC, held by the provider and the consumer, to put where GPUC belongs. */
let other: string;

beforeAll(async () => {
  rc = await startRentalsChain();
  consumer = await rc.party({ gpuc: 100_000_000n });
  provider = await rc.party({ gpuc: 100_000_000n });
  stranger = await rc.party({ gpuc: 10_000_000n });
  const minted = await rc.chain.devnet.faucet(provider.address, {
    nanoErgs: 1_000_000_000n,
    tokens: [{ amount: 10n ** 12n, name: "Not GPUC" }],
  });
  other = minted.tokenIds[0]!;
  await rc.chain.mine();
});
afterAll(() => rc?.stop());

const gpuc = () => rc.deployment.gpucTokenId;
const treeOf = (party: Party) => ErgoAddress.decode(party.address).ergoTree;
const idRegister = (id: string) => SColl(SByte, id).toHex();

/**
 * Opens an escrow of HOURS prepaid hours at PRICE between `from` and `to`, holding `shortBy` GPUC units less and
 * `extraErg` nanoERG more than the builder puts in.
 */
async function open(
  rentalId: string,
  { from = consumer, to = provider, shortBy = 0n, extraErg = 0n } = {},
): Promise<ChainBox> {
  const height = await rc.height();
  const honest = buildOpenEscrowTx({
    deployment: rc.deployment,
    consumer: from.address,
    provider: to.address,
    pricePerHour: PRICE,
    prepaidHours: HOURS,
    startHeight: height,
    rentalId,
    height,
    inputs: await rc.unspent(from.address),
    changeAddress: from.address,
  });
  const tx = tamper(honest, (outputs) => {
    if (shortBy) moveToken(outputs, 0, -1, gpuc(), shortBy);
    moveErg(outputs, -1, 0, extraErg);
  });
  const signed = await rc.send(tx, from);
  return (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
}

async function afterHours(box: ChainBox, hours: number): Promise<ChainBox> {
  await rc.mineTo(parseEscrowBox(box, rc.deployment).startHeight + hours * rc.params.blocksPerHour);
  return box;
}

/** The provider's claim of `hours`, funded from its boxes holding the `other` token (so its change has some). */
async function claimTx(escrowBox: ChainBox, hours: number): Promise<EIP12UnsignedTransaction> {
  const funding = (await rc.unspent(provider.address)).filter((b) =>
    b.assets.some((a) => a.tokenId === other),
  );
  return buildClaimTx({
    deployment: rc.deployment,
    configBox: await rc.configBox(),
    height: await rc.height(),
    provider: provider.address,
    claims: [{ escrowBox, hours }],
    inputs: funding,
    changeAddress: provider.address,
  });
}

/**
 * An escrow spend on `action` built without the builders' checks, as an attacker would: `gross` to the provider
 * (less the fee), the rest back to the consumer, reading `configBox`, funded by `payer`.
 */
async function rawClose(
  box: ChainBox,
  action: EscrowAction,
  gross: bigint,
  payer: Party,
  configBox?: ChainBox,
): Promise<EIP12UnsignedTransaction> {
  const config = configBox ?? (await rc.configBox());
  const escrow = parseEscrowBox(box, rc.deployment);
  const outputs = settlementOutputs(
    escrow,
    { gross, refund: escrow.gpuc - gross, rest: 0n, terms: escrow },
    parseConfigBox(config),
    rc.deployment,
  );
  const amount = action === EscrowAction.consumerExit || action === EscrowAction.expiry ? undefined : gross;
  return buildWith(spendEscrows(config, [{ escrow, action, amount, outputs }]), await rc.height(), {
    inputs: await rc.unspent(payer.address),
    changeAddress: payer.address,
  });
}

/** Only the escrow input `box` is refused. */
const expectRefused = (tx: EIP12UnsignedTransaction, signers: Party[], box: ChainBox) =>
  refusedBy(rc, tx, signers, [box.boxId]);

describe("Rental Escrow: the recreated escrow of a claim (output 2)", () => {
  let box: ChainBox;
  beforeAll(async () => {
    // 1 ERG above the minimum box value, so a successor can hold less than the escrow and still be a valid box.
    box = await afterHours(await open("20", { extraErg: 1_000_000_000n }), 1);
  });

  type Outputs = EIP12UnsignedTransaction["outputs"];
  const rest = () => PRICE * BigInt(HOURS - 1);
  const cases: [string, (outputs: Outputs) => void][] = [
    [
      "another script (the GPUC taken out of escrow)",
      (o) => {
        o[2]!.ergoTree = treeOf(provider);
      },
    ],
    ["less ERG than the escrow held", (o) => moveErg(o, 2, -1, BigInt(o[2]!.value) - BigInt(box.value) + 1n)],
    ["a second token beside GPUC", (o) => moveToken(o, -1, 2, other, 1n)],
    [
      "another token in place of GPUC",
      (o) => {
        moveToken(o, 2, -1, gpuc(), rest());
        moveToken(o, -1, 2, other, rest());
      },
    ],
    ["one GPUC unit less than the rest", (o) => moveToken(o, 2, -1, gpuc(), 1n)],
    [
      "another provider (R5)",
      (o) => {
        o[2]!.additionalRegisters.R5 = sigmaPropRegister(stranger.address);
      },
    ],
    [
      "terms that forget the claimed hour (R6)",
      (o) => {
        const escrow = parseEscrowBox(box, rc.deployment);
        const terms = [PRICE, BigInt(escrow.startHeight), BigInt(HOURS), 0n];
        o[2]!.additionalRegisters.R6 = SColl(SLong, terms).toHex();
      },
    ],
    [
      "another rental id (R7)",
      (o) => {
        o[2]!.additionalRegisters.R7 = idRegister("ff");
      },
    ],
    [
      "another parent box id (R8)",
      (o) => {
        o[2]!.additionalRegisters.R8 = idRegister("00".repeat(32));
      },
    ],
  ];

  it.each(cases)("Should refuse a successor with %s", async (_, change) => {
    await expectRefused(tamper(await claimTx(box, 1), change), [provider], box);
  });

  it("Should accept the honest claim the tampered ones came from", async () => {
    const signed = await rc.send(await claimTx(box, 1), provider);
    const [successor] = signed.outputs[2]!.assets;
    expect([successor!.tokenId, BigInt(successor!.amount)]).toEqual([gpuc(), rest()]);
  });
});

describe("Rental Escrow: the payouts of a claim", () => {
  let box: ChainBox;
  beforeAll(async () => {
    box = await afterHours(await open("21"), 1);
  });

  it("Should refuse a provider payout in another token", async () => {
    const net = PRICE - (PRICE * BigInt(rc.params.feeBps)) / 10_000n;
    const tx = tamper(await claimTx(box, 1), (outputs) => {
      moveToken(outputs, 0, -1, gpuc(), net);
      moveToken(outputs, -1, 0, other, net);
    });
    await expectRefused(tx, [provider], box);
  });

  it("Should refuse a payout tagged with another escrow's id (R4)", async () => {
    const tx = tamper(await claimTx(box, 1), (outputs) => {
      outputs[0]!.additionalRegisters.R4 = idRegister("00".repeat(32));
    });
    await expectRefused(tx, [provider], box);
  });
});

describe("Rental Escrow: the settlement's shares", () => {
  it("Should refuse a negative provider share, even where provider and consumer are one key", async () => {
    // With one key on both sides, every payout may sit in one output: a share of -1 turns the provider's payout
    // into 1 unit the spender adds, which only the `gross >= 0` guard refuses.
    const box = await afterHours(await open("22", { to: consumer }), 1);
    const escrow = parseEscrowBox(box, rc.deployment);
    const all = new OutputBuilder(SAFE_MIN_BOX_VALUE, consumer.address)
      .addTokens({ tokenId: gpuc(), amount: escrow.gpuc + 1n })
      .setAdditionalRegisters({ R4: idRegister(escrow.boxId) });
    const spend = { escrow, action: EscrowAction.providerClose, amount: -1n, outputs: [all] };
    const tx = buildWith(spendEscrows(await rc.configBox(), [spend]), await rc.height(), {
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await expectRefused(tx, [consumer], box);
  });

  it("Should refuse a provider close paying out more than an under-funded escrow holds", async () => {
    // Opened with an hour's GPUC short; after the prepaid time the provider-close cap is above what it holds, and
    // the refund would be negative: only `refund >= 0` refuses it (the provider adds the difference).
    const box = await afterHours(await open("23", { shortBy: PRICE }), HOURS);
    const escrow = parseEscrowBox(box, rc.deployment);
    const cap = providerCloseCap(escrow, (await rc.height()) + 1, rc.params.blocksPerHour);
    expect(cap).toBeGreaterThan(escrow.gpuc);
    const config = await rc.configBox();
    const outputs = settlementOutputs(
      escrow,
      { gross: cap, refund: 1n, rest: 0n, terms: escrow },
      parseConfigBox(config),
      rc.deployment,
    );
    const spend = { escrow, action: EscrowAction.providerClose, amount: cap, outputs };
    const tx = buildWith(spendEscrows(config, [spend]), await rc.height(), {
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    await expectRefused(tx, [provider], box);
  });
});

describe("Rental Escrow: claims", () => {
  it("Should refuse a claim of 0 hours (a provider-signed spend that pays nothing and only churns the box)", async () => {
    const box = await afterHours(await open("24"), 1);
    const escrow = parseEscrowBox(box, rc.deployment);
    const config = await rc.configBox();
    const outputs = settlementOutputs(
      escrow,
      { gross: 0n, refund: 0n, rest: escrow.gpuc, terms: escrow },
      parseConfigBox(config),
      rc.deployment,
    );
    const spend = { escrow, action: EscrowAction.claim, amount: 0n, outputs };
    const tx = buildWith(spendEscrows(config, [spend]), await rc.height(), {
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    await expectRefused(tx, [provider], box);
  });
});

describe("Rental Escrow: extensions", () => {
  it("Should refuse an extension whose successor lacks the added hour's GPUC", async () => {
    const box = await open("25");
    const honest = buildExtendTx({
      deployment: rc.deployment,
      configBox: await rc.configBox(),
      height: await rc.height(),
      consumer: consumer.address,
      escrowBox: box,
      hours: 1,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    const tx = tamper(honest, (outputs) => moveToken(outputs, 0, -1, gpuc(), PRICE));
    await expectRefused(tx, [consumer], box);
  });

  it("Should refuse an extension by 0 hours (a consumer-signed spend that adds nothing and only churns the box)", async () => {
    const box = await open("27");
    const escrow = parseEscrowBox(box, rc.deployment);
    const successor = recreatedEscrow(escrow, escrow.gpuc, escrow, rc.deployment);
    const spend = { escrow, action: EscrowAction.extend, amount: 0n, outputs: [successor] };
    const tx = buildWith(spendEscrows(await rc.configBox(), [spend]), await rc.height(), {
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await expectRefused(tx, [consumer], box);
  });

  it("Should refuse an extension by -1 hours (the consumer taking back a prepaid hour)", async () => {
    const box = await open("26");
    const escrow = parseEscrowBox(box, rc.deployment);
    const terms = { ...escrow, prepaidHours: HOURS - 1 };
    const successor = recreatedEscrow(escrow, escrow.gpuc - PRICE, terms, rc.deployment);
    const spend = { escrow, action: EscrowAction.extend, amount: -1n, outputs: [successor] };
    const tx = buildWith(spendEscrows(await rc.configBox(), [spend]), await rc.height(), {
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await expectRefused(tx, [consumer], box);
  });
});

describe("Rental Escrow: who signs each path", () => {
  it("Should refuse a claim signed by someone other than the provider", async () => {
    const box = await afterHours(await open("30"), 1);
    const honest = buildClaimTx({
      deployment: rc.deployment,
      configBox: await rc.configBox(),
      height: await rc.height(),
      provider: provider.address,
      claims: [{ escrowBox: box, hours: 1 }],
      inputs: await rc.unspent(stranger.address),
      changeAddress: stranger.address,
    });
    await expectRefused(honest, [stranger, consumer], box);
  });

  it("Should refuse a cooperative close signed by the provider alone", async () => {
    const box = await open("31");
    await expectRefused(await rawClose(box, EscrowAction.cooperativeClose, PRICE, provider), [provider], box);
  });

  it("Should refuse a cooperative close, signed by both, that skips the treasury's fee", async () => {
    const box = await open("33");
    const honest = await rawClose(box, EscrowAction.cooperativeClose, PRICE, consumer);
    // Both parties agree to pay the fee (all but 1 unit) to the provider: the settlement still wants it at the
    // treasury, whatever the signatures.
    const fee = (PRICE * BigInt(rc.params.feeBps)) / 10_000n;
    const tx = tamper(honest, (outputs) => moveToken(outputs, 1, 0, gpuc(), fee - 1n));
    await expectRefused(tx, [consumer, provider], box);
  });

  it("Should refuse an arbiter resolve, signed by the arbiter, paying the escrow to the arbiter", async () => {
    const box = await open("34");
    const honest = await rawClose(box, EscrowAction.arbiterResolve, 0n, rc.arbiter);
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.ergoTree = treeOf(rc.arbiter); // the refund output, now the arbiter's
    });
    await expectRefused(tx, [rc.arbiter], box);
  });

  it("Should refuse an expiry, which anyone may send, paying the provider's share to the sender", async () => {
    const box = await open("35");
    const escrow = parseEscrowBox(box, rc.deployment);
    await rc.mineTo(escrow.startHeight + HOURS * rc.params.blocksPerHour + rc.params.disputeGraceBlocks);
    const honest = await rawClose(box, EscrowAction.expiry, escrow.gpuc, stranger);
    const tx = tamper(honest, (outputs) => {
      outputs[0]!.ergoTree = treeOf(stranger);
    });
    await expectRefused(tx, [stranger], box);
  });

  it("Should refuse a consumer exit signed by the provider (it would take every started hour)", async () => {
    const box = await open("32");
    await expectRefused(await rawClose(box, EscrowAction.consumerExit, PRICE, provider), [provider], box);
  });
});

describe("Rental Escrow: a fake Config on every path that reads it", () => {
  it("Should refuse a cooperative close reading a Config without the fee", async () => {
    const box = await open("40");
    const fake = await rc.fakeConfig({ feeBps: 0 });
    const tx = await rawClose(box, EscrowAction.cooperativeClose, PRICE, consumer, fake);
    await expectRefused(tx, [consumer, provider], box);
  });

  it("Should refuse a consumer exit reading a Config with 1000-block hours (nothing owed yet)", async () => {
    const box = await afterHours(await open("41"), 1);
    const fake = await rc.fakeConfig({ blocksPerHour: 1000 });
    // Under the fake clock only hour 1 has started: the consumer would skip paying hour 2.
    const tx = await rawClose(box, EscrowAction.consumerExit, PRICE, consumer, fake);
    await expectRefused(tx, [consumer], box);
  });

  it("Should refuse an arbiter resolve by a stranger naming himself arbiter in a fake Config", async () => {
    const box = await open("42");
    const fake = await rc.fakeConfig({ arbiter: stranger.address });
    const tx = await rawClose(box, EscrowAction.arbiterResolve, 0n, stranger, fake);
    await expectRefused(tx, [stranger], box);
  });

  it("Should refuse an expiry reading a Config with 1-block hours and no grace", async () => {
    const box = await open("43");
    const fake = await rc.fakeConfig({ blocksPerHour: 1, disputeGraceBlocks: 0 });
    await rc.mineTo(parseEscrowBox(box, rc.deployment).startHeight + HOURS);
    const tx = await rawClose(box, EscrowAction.expiry, PRICE * BigInt(HOURS), stranger, fake);
    await expectRefused(tx, [stranger], box);
  });
});
