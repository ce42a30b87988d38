import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainBox } from "../../chain/types.ts";
import { buildClaimTx } from "./claim.ts";
import { claimableHours, elapsedHours, splitFee } from "./clock.ts";
import { buildConsumerExitTx, buildCooperativeCloseTx } from "./close.ts";
import { buildExtendTx } from "./extend.ts";
import { buildOpenEscrowTx } from "./open.ts";
import { parseEscrowBox } from "./registers.ts";
import { type Party, type RentalsChain, startRentalsChain } from "./testChain.ts";

// Random sequences of escrow actions on the devnet keep GPUC conserved and pay the provider and the treasury
// exactly the price of the hours paid, split by the fee.

const PRICE = 1_000_000n;
const START_GPUC = 50n * PRICE;

type Step =
  | { kind: "wait"; blocks: number }
  | { kind: "claim" }
  | { kind: "extend"; hours: number }
  | { kind: "close"; share: number }
  | { kind: "exit" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("wait" as const), blocks: fc.integer({ min: 1, max: 6 }) }),
  fc.constant({ kind: "claim" as const }),
  fc.record({ kind: fc.constant("extend" as const), hours: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("close" as const), share: fc.integer({ min: 0, max: 100 }) }),
  fc.constant({ kind: "exit" as const }),
);

let rc: RentalsChain;
let provider: Party;

beforeAll(async () => {
  rc = await startRentalsChain();
  provider = await rc.party();
});
afterAll(() => rc?.stop());

async function gpucOf(address: string): Promise<bigint> {
  const boxes = await rc.unspent(address);
  return boxes
    .flatMap((b) => b.assets)
    .filter((a) => a.tokenId === rc.deployment.gpucTokenId)
    .reduce((s, a) => s + BigInt(a.amount), 0n);
}

describe("Rental Escrow action sequences", () => {
  it("Should conserve GPUC and pay exactly the hours paid, whatever the order of actions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (steps, hours) => {
          const consumer = await rc.party({ gpuc: START_GPUC });
          const before = {
            provider: await gpucOf(provider.address),
            treasury: await gpucOf(rc.treasury.address),
          };
          const height = await rc.height();
          const base = async () => ({
            deployment: rc.deployment,
            configBox: await rc.configBox(),
            height: await rc.height(),
          });
          const funding = async (party: Party) => ({
            inputs: await rc.unspent(party.address),
            changeAddress: party.address,
          });
          const opened = await rc.send(
            buildOpenEscrowTx({
              deployment: rc.deployment,
              consumer: consumer.address,
              provider: provider.address,
              pricePerHour: PRICE,
              prepaidHours: hours,
              startHeight: height,
              rentalId: "ff",
              height,
              ...(await funding(consumer)),
            }),
            consumer,
          );
          let escrow: ChainBox | undefined = (await rc.chain.client.unspentBox(opened.outputs[0]!.boxId!))!;
          let providerGross = 0n;
          let fees = 0n;
          const paid = (gross: bigint) => {
            const { fee } = splitFee(gross, rc.params.feeBps);
            providerGross += gross;
            fees += fee;
          };
          const follow = async (signed: { outputs: { boxId?: string; ergoTree: string }[] }) => {
            const next = signed.outputs.find(
              (o) => o.ergoTree === rc.deployment.contracts.rentalEscrow.ergoTree,
            );
            escrow = next ? await rc.chain.client.unspentBox(next.boxId!) : undefined;
          };
          for (const s of steps) {
            if (!escrow) break;
            const state = parseEscrowBox(escrow, rc.deployment);
            const next = (await rc.height()) + 1;
            if (s.kind === "wait") await rc.mineTo((await rc.height()) + s.blocks);
            else if (s.kind === "claim") {
              const k = claimableHours(state, next, rc.params.blocksPerHour);
              if (k === 0) continue;
              await follow(
                await rc.send(
                  buildClaimTx({
                    ...(await base()),
                    provider: provider.address,
                    claims: [{ escrowBox: escrow }],
                    ...(await funding(provider)),
                  }),
                  provider,
                ),
              );
              paid(PRICE * BigInt(k));
            } else if (s.kind === "extend") {
              await follow(
                await rc.send(
                  buildExtendTx({
                    ...(await base()),
                    consumer: consumer.address,
                    escrowBox: escrow,
                    hours: s.hours,
                    ...(await funding(consumer)),
                  }),
                  consumer,
                ),
              );
            } else if (s.kind === "close") {
              const share = (state.gpuc * BigInt(s.share)) / 100n;
              await follow(
                await rc.send(
                  buildCooperativeCloseTx({
                    ...(await base()),
                    escrowBox: escrow,
                    providerShare: share,
                    ...(await funding(consumer)),
                  }),
                  consumer,
                  provider,
                ),
              );
              paid(share);
            } else {
              const started = Math.min(
                Math.ceil((next - state.startHeight) / rc.params.blocksPerHour),
                state.prepaidHours,
              );
              await follow(
                await rc.send(
                  buildConsumerExitTx({
                    ...(await base()),
                    consumer: consumer.address,
                    escrowBox: escrow,
                    ...(await funding(consumer)),
                  }),
                  consumer,
                ),
              );
              paid(PRICE * BigInt(Math.max(0, started - state.paidHours)));
            }
            if (escrow) {
              const now = parseEscrowBox(escrow, rc.deployment);
              expect(now.paidHours).toBeLessThanOrEqual(
                Math.min(
                  now.prepaidHours,
                  elapsedHours(now, (await rc.height()) + 1, rc.params.blocksPerHour),
                ),
              );
            }
          }
          const held = escrow ? parseEscrowBox(escrow, rc.deployment).gpuc : 0n;
          const gained = {
            provider: (await gpucOf(provider.address)) - before.provider,
            treasury: (await gpucOf(rc.treasury.address)) - before.treasury,
          };
          expect(gained.treasury).toBe(fees);
          expect(gained.provider).toBe(providerGross - fees);
          expect((await gpucOf(consumer.address)) + held + gained.provider + gained.treasury).toBe(
            START_GPUC,
          );
        },
      ),
      { numRuns: 10 },
    );
  });
});
