import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import {
  ErgoAddress,
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { EscrowAction, EscrowVar } from "@gpuc/ergoscript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { sigmaPropRegister } from "../config/sigmaProp.ts";
import { encodeConfigRegisters, parseConfigBox } from "../config.ts";
import { moveToken, tamper, tamperTx } from "../deploy/tamper.ts";
import { buildClaimTx } from "./claim.ts";
import { providerCloseCap } from "./clock.ts";
import { buildConsumerExitTx, buildProviderCloseTx } from "./close.ts";
import { buildWith } from "./context.ts";
import { buildExtendTx } from "./extend.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { parseEscrowBox } from "./registers.ts";
import { settlementOutputs, spendEscrows } from "./settlement.ts";
import { type Party, type RentalsChain, expectRefused as refusedBy, startRentalsChain } from "./testChain.ts";

// Each test builds the honest transaction, breaks exactly one guard, signs every input the right keys can prove,
// and expects the devnet (ergo-lib full validation) to refuse it. Signing is attempted with the keys the path
// wants, so an escrow input that still cannot be proven is one whose script reduced to false: without the guard
// under test it would have been signed and accepted.

const PRICE = 1_000_000n;
const HOURS = 4;

let rc: RentalsChain;
let consumer: Party;
let provider: Party;
let stranger: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  consumer = await rc.party({ gpuc: 100_000_000n });
  provider = await rc.party();
  stranger = await rc.party({ gpuc: 10_000_000n });
});
afterAll(() => rc?.stop());

async function open(rentalId: string, gpuc = PRICE * BigInt(HOURS)): Promise<ChainBox> {
  const height = await rc.height();
  const honest = buildOpenEscrowTx({
    deployment: rc.deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: PRICE,
    prepaidHours: HOURS,
    startHeight: height,
    rentalId,
    height,
    inputs: await rc.unspent(consumer.address),
    changeAddress: consumer.address,
  });
  // Over-funding (more GPUC than the prepaid hours) lets a test break the prepaid guard alone.
  const tx =
    gpuc === PRICE * BigInt(HOURS)
      ? honest
      : moveGpuc(honest, honest.outputs.length - 1, 0, gpuc - PRICE * BigInt(HOURS));
  const signed = await rc.send(tx, consumer);
  return (await rc.chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
}

async function base() {
  return { deployment: rc.deployment, configBox: await rc.configBox(), height: await rc.height() };
}

async function claimTx(escrowBox: ChainBox, hours: number): Promise<EIP12UnsignedTransaction> {
  return buildClaimTx({
    ...(await base()),
    provider: provider.address,
    claims: [{ escrowBox, hours }],
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
}

/** A claim of `hours` built without the builder's own checks, as an attacker would. */
async function rawClaim(
  escrowBox: ChainBox,
  hours: number,
  configBox?: ChainBox,
): Promise<EIP12UnsignedTransaction> {
  const b = await base();
  const escrow = parseEscrowBox(escrowBox, rc.deployment);
  const config = parseConfigBox(configBox ?? b.configBox);
  const gross = PRICE * BigInt(hours);
  const terms = { ...escrow, paidHours: escrow.paidHours + hours };
  const outputs = settlementOutputs(
    escrow,
    { gross, refund: 0n, rest: escrow.gpuc - gross, terms },
    config,
    rc.deployment,
  );
  const plugin = spendEscrows(configBox ?? b.configBox, [
    { escrow, action: EscrowAction.claim, amount: BigInt(hours), outputs },
  ]);
  return buildWith(plugin, b.height, {
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
}

/** A provider close paying the provider `gross`, built without the builder's checks, as an attacker would. */
async function rawProviderClose(
  escrowBox: ChainBox,
  gross: bigint,
  configBox?: ChainBox,
): Promise<EIP12UnsignedTransaction> {
  const b = await base();
  const escrow = parseEscrowBox(escrowBox, rc.deployment);
  const config = parseConfigBox(configBox ?? b.configBox);
  const outputs = settlementOutputs(
    escrow,
    { gross, refund: escrow.gpuc - gross, rest: 0n, terms: escrow },
    config,
    rc.deployment,
  );
  const plugin = spendEscrows(configBox ?? b.configBox, [
    { escrow, action: EscrowAction.providerClose, amount: gross, outputs },
  ]);
  return buildWith(plugin, b.height, {
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
}

/** What a provider close may pay at the next block. */
async function closeCap(box: ChainBox): Promise<bigint> {
  return providerCloseCap(
    parseEscrowBox(box, rc.deployment),
    (await rc.height()) + 1,
    rc.params.blocksPerHour,
  );
}

/** The honest provider close of everything the next block allows. */
async function providerCloseTx(box: ChainBox): Promise<EIP12UnsignedTransaction> {
  return buildProviderCloseTx({
    ...(await base()),
    provider: provider.address,
    escrowBox: box,
    providerShare: await closeCap(box),
    inputs: await rc.unspent(provider.address),
    changeAddress: provider.address,
  });
}

/** A Config box at the Config address, with the stranger's GPUC as its "NFT" and `changes` to the settings. */
async function fakeConfigBox(changes: Partial<ReturnType<typeof parseConfigBox>>): Promise<ChainBox> {
  const config = parseConfigBox(await rc.configBox());
  const fake = await rc.send(
    new TransactionBuilder(await rc.height())
      .from(await rc.unspent(stranger.address))
      .to(
        new OutputBuilder(SAFE_MIN_BOX_VALUE, rc.deployment.contracts.config.ergoTree)
          .addTokens({ tokenId: rc.deployment.gpucTokenId, amount: 1n })
          .setAdditionalRegisters(encodeConfigRegisters({ ...config, ...changes })),
      )
      .sendChangeTo(stranger.address)
      .payFee(RECOMMENDED_MIN_FEE_VALUE)
      .build()
      .toEIP12Object(),
    stranger,
  );
  return (await rc.chain.client.unspentBox(fake.outputs[0]!.boxId!))!;
}

const expectRefused = (tx: EIP12UnsignedTransaction, signers: Party[], refused: string[]) =>
  refusedBy(rc, tx, signers, refused);

/** Moves `amount` GPUC units from output `from` to output `to`. */
function moveGpuc(tx: EIP12UnsignedTransaction, from: number, to: number, amount: bigint) {
  return tamper(tx, (outputs) => moveToken(outputs, from, to, rc.deployment.gpucTokenId, amount));
}

async function startOf(box: ChainBox): Promise<number> {
  return parseEscrowBox(box, rc.deployment).startHeight;
}

describe("Rental Escrow guards", () => {
  it("Should reject a claim beyond the elapsed hours", async () => {
    const box = await open("01");
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour - 1); // 1 hour elapsed at the next block
    await expectRefused(await rawClaim(box, 2), [provider], [box.boxId]);
    await rc.send(await rawClaim(box, 1), provider); // the same claim of the elapsed hour passes
  });

  it("Should reject a claim beyond the prepaid hours even when the escrow holds enough GPUC", async () => {
    const box = await open("03", PRICE * BigInt(HOURS + 2));
    await rc.mineTo((await startOf(box)) + (HOURS + 1) * rc.params.blocksPerHour);
    await expectRefused(await rawClaim(box, HOURS + 1), [provider], [box.boxId]);
    // The honest claim of the prepaid hours passes on the same escrow.
    await rc.send(await claimTx(box, HOURS), provider);
  });

  it("Should reject a claim paying the treasury less than the fee", async () => {
    const box = await open("04");
    await rc.mineTo((await startOf(box)) + 2 * rc.params.blocksPerHour);
    const honest = await claimTx(box, 2);
    await expectRefused(moveGpuc(honest, 1, 0, 1n), [provider], [box.boxId]);
  });

  it("Should reject a claim paying the fee to another address", async () => {
    const box = await open("05");
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour);
    const honest = await claimTx(box, 1);
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[1]!.ergoTree = ErgoAddress.decode(provider.address).ergoTree;
    });
    await expectRefused(tx, [provider], [box.boxId]);
  });

  it("Should reject a claim that changes the recreated escrow's registers", async () => {
    const box = await open("06");
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour);
    const honest = await claimTx(box, 1);
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[2]!.additionalRegisters.R4 = sigmaPropRegister(provider.address);
    });
    await expectRefused(tx, [provider], [box.boxId]);
  });

  it("Should reject a claim against a fake Config box (wrong NFT, no fee)", async () => {
    const box = await open("07");
    const fakeBox = await fakeConfigBox({ feeBps: 0, treasury: provider.address });
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour);
    await expectRefused(await rawClaim(box, 1, fakeBox), [provider], [box.boxId]);
  });

  it("Should reject two escrows counting the same payout outputs", async () => {
    const [a, b] = [await open("08"), await open("08")]; // identical terms, the worst case
    await rc.mineTo((await startOf(b)) + rc.params.blocksPerHour);
    const honest = buildClaimTx({
      ...(await base()),
      provider: provider.address,
      claims: [
        { escrowBox: a, hours: 1 },
        { escrowBox: b, hours: 1 },
      ],
      inputs: await rc.unspent(provider.address),
      changeAddress: provider.address,
    });
    // B points at A's outputs; B's own three outputs are dropped and its GPUC and ERG go to the provider's change.
    const tx = tamperTx(honest, (copy) => {
      const dropped = copy.outputs.splice(3, 3);
      const change = copy.outputs[copy.outputs.length - 1]!;
      for (const output of dropped) {
        change.value = (BigInt(change.value) + BigInt(output.value)).toString();
        for (const asset of output.assets) {
          const held = change.assets.find((a) => a.tokenId === asset.tokenId);
          if (held) held.amount = (BigInt(held.amount) + BigInt(asset.amount)).toString();
          else change.assets.push({ ...asset });
        }
      }
      const input = copy.inputs.find((i) => i.boxId === b.boxId)!;
      input.extension = {
        ...input.extension,
        [EscrowVar.outputIndex]: copy.inputs.find((i) => i.boxId === a.boxId)!.extension[
          EscrowVar.outputIndex
        ]!,
      };
    });
    await expectRefused(tx, [provider], [b.boxId]);
  });

  it("Should reject an extension signed by someone other than the consumer", async () => {
    const box = await open("09");
    const honest = buildExtendTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: box,
      hours: 1,
      inputs: await rc.unspent(stranger.address),
      changeAddress: stranger.address,
    });
    // The stranger pays the extra GPUC and signs everything it can; the escrow wants the consumer's key.
    await expectRefused(honest, [stranger], [box.boxId]);
  });

  it("Should reject a consumer exit that underpays the provider", async () => {
    const box = await open("0a");
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour); // hour 2 has started
    const honest = buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: box,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    await expectRefused(moveGpuc(honest, 0, 2, PRICE), [consumer], [box.boxId]);
  });

  it("Should reject a refund paid to a wrong address", async () => {
    const box = await open("0b");
    const honest = buildConsumerExitTx({
      ...(await base()),
      consumer: consumer.address,
      escrowBox: box,
      inputs: await rc.unspent(consumer.address),
      changeAddress: consumer.address,
    });
    const refund = honest.outputs.findIndex(
      (o) => o.ergoTree === ErgoAddress.decode(consumer.address).ergoTree,
    );
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[refund]!.ergoTree = ErgoAddress.decode(stranger.address).ergoTree;
    });
    await expectRefused(tx, [consumer], [box.boxId]);
  });

  it("Should reject an expiry before the prepaid time and the grace have passed", async () => {
    const box = await open("0c");
    const b = await base();
    const escrow = parseEscrowBox(box, rc.deployment);
    const config = parseConfigBox(b.configBox);
    const expiresAt = escrow.startHeight + HOURS * config.blocksPerHour + config.disputeGraceBlocks;
    await rc.mineTo(expiresAt - 2); // the next block is one short of it
    const gross = escrow.gpuc;
    const outputs = settlementOutputs(
      escrow,
      { gross, refund: 0n, rest: 0n, terms: escrow },
      config,
      rc.deployment,
    );
    const plugin = spendEscrows(b.configBox, [{ escrow, action: EscrowAction.expiry, outputs }]);
    const tx = buildWith(plugin, await rc.height(), {
      inputs: await rc.unspent(stranger.address),
      changeAddress: stranger.address,
    });
    await expectRefused(tx, [stranger], [box.boxId]);
    await rc.chain.mine();
    await rc.send(tx, stranger); // one block later the same expiry is valid
  });

  it("Should reject a cooperative close signed by the consumer alone and an arbiter resolve without the arbiter", async () => {
    const box = await open("0d");
    const b = await base();
    const escrow = parseEscrowBox(box, rc.deployment);
    const config = parseConfigBox(b.configBox);
    const outputs = () =>
      settlementOutputs(
        escrow,
        { gross: 0n, refund: escrow.gpuc, rest: 0n, terms: escrow },
        config,
        rc.deployment,
      );
    const funding = { inputs: await rc.unspent(consumer.address), changeAddress: consumer.address };
    for (const action of [EscrowAction.cooperativeClose, EscrowAction.arbiterResolve]) {
      const plugin = spendEscrows(b.configBox, [{ escrow, action, amount: 0n, outputs: outputs() }]);
      await expectRefused(buildWith(plugin, b.height, funding), [consumer], [box.boxId]);
    }
  });
});

describe("Rental Escrow provider close guards", () => {
  /** An escrow in its second hour (1 hour + 2 blocks elapsed at the next block), nothing claimed. */
  async function openInHour2(rentalId: string): Promise<ChainBox> {
    const box = await open(rentalId);
    await rc.mineTo((await startOf(box)) + rc.params.blocksPerHour + 1);
    return box;
  }

  it("Should reject a provider close taking more than the elapsed blocks pro rata", async () => {
    const box = await openInHour2("10");
    const cap = await closeCap(box);
    expect(cap).toBe(PRICE + (2n * PRICE) / BigInt(rc.params.blocksPerHour));
    await expectRefused(await rawProviderClose(box, cap + 1n), [provider], [box.boxId]);
    await rc.send(await rawProviderClose(box, cap), provider); // exactly the cap passes
  });

  it("Should reject a provider close refunding the consumer to a wrong address", async () => {
    const box = await openInHour2("11");
    const honest = await providerCloseTx(box);
    const refund = honest.outputs.findIndex(
      (o) => o.ergoTree === ErgoAddress.decode(consumer.address).ergoTree,
    );
    const tx = tamperTx(honest, (copy) => {
      copy.outputs[refund]!.ergoTree = ErgoAddress.decode(provider.address).ergoTree;
    });
    await expectRefused(tx, [provider], [box.boxId]);
  });

  it("Should reject a provider close underpaying the consumer's refund", async () => {
    const box = await openInHour2("12");
    const honest = await providerCloseTx(box);
    const refund = honest.outputs.findIndex(
      (o) => o.ergoTree === ErgoAddress.decode(consumer.address).ergoTree,
    );
    // One unit of the refund goes to the provider's change instead.
    await expectRefused(moveGpuc(honest, refund, honest.outputs.length - 1, 1n), [provider], [box.boxId]);
  });

  it("Should reject a provider close signed by someone other than the provider", async () => {
    const box = await openInHour2("13");
    const b = await base();
    const honest = buildProviderCloseTx({
      ...b,
      provider: provider.address,
      escrowBox: box,
      providerShare: await closeCap(box),
      inputs: await rc.unspent(stranger.address),
      changeAddress: stranger.address,
    });
    await expectRefused(honest, [stranger, consumer], [box.boxId]);
  });

  it("Should reject a provider close against a fake Config box (1-block hours, no fee)", async () => {
    const box = await openInHour2("14");
    const fakeBox = await fakeConfigBox({ blocksPerHour: 1, feeBps: 0, treasury: provider.address });
    // Under the fake Config every prepaid hour has elapsed: the provider would take it all.
    const escrow = parseEscrowBox(box, rc.deployment);
    await expectRefused(await rawProviderClose(box, escrow.gpuc, fakeBox), [provider], [box.boxId]);
  });
});
