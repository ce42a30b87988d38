import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../../testing.ts";
import { tokenAmount } from "../bank/tokens.ts";
import { deployForTest, type LetsFixture, type TestKey, testKey } from "../deploy/testing.ts";
import { InsufficientGpucError } from "../errors/insufficientGpuc.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { buildSwapIn } from "../swap/swap.ts";
import { buildGpucTransfer } from "./transfer.ts";

let chain: TestChain;
let lets: LetsFixture;
let payer: TestKey;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  payer = lets.stableHolder;
  // 10.00 TestUSD in: 9.97 GPUC to pay with.
  const swap = { ...(await lets.boxes()), tokenId: lets.stableTokenId, amount: 1_000n };
  await chain.signSubmitMine(payer.signer, buildSwapIn(swap, await lets.wallet(payer)));
});
afterAll(() => chain?.stop());

const gpucOf = async (address: string) =>
  (await chain.client.unspentByAddress(address)).reduce(
    (sum, box) => sum + tokenAmount(box, lets.deployment.gpucTokenId),
    0n,
  );

describe("GPUC transfers (devnet)", () => {
  it("Should pay each payee its own output, in order, and return the change to the payer", async () => {
    const [a, b] = [testKey(), testKey()];
    const payments = [
      { address: a.address, units: 1_500_000n },
      { address: b.address, units: 2_000_000n },
    ];
    const tx = buildGpucTransfer(
      { gpucTokenId: lets.deployment.gpucTokenId, payments },
      await lets.wallet(payer),
    );
    expect(tx.outputs.slice(0, 2).map((box) => tokenAmount(box, lets.deployment.gpucTokenId))).toEqual([
      1_500_000n,
      2_000_000n,
    ]);
    await chain.signSubmitMine(payer.signer, tx);
    expect([await gpucOf(a.address), await gpucOf(b.address)]).toEqual([1_500_000n, 2_000_000n]);
    expect(await gpucOf(payer.address)).toBe(9_970_000n - 3_500_000n);
  });

  it("Should refuse, before building, a transfer larger than the payer's GPUC, saying how much is missing", async () => {
    const wallet = await lets.wallet(payer);
    const build = () =>
      buildGpucTransfer(
        {
          gpucTokenId: lets.deployment.gpucTokenId,
          payments: [{ address: payer.address, units: 10n ** 12n }],
        },
        wallet,
      );
    expect(build).toThrow(InsufficientGpucError);
    expect(build).toThrow(/get 999993530000 more GPUC/);
  });

  it("Should refuse an empty batch and a non-positive payment", async () => {
    const wallet = await lets.wallet(payer);
    const gpucTokenId = lets.deployment.gpucTokenId;
    expect(() => buildGpucTransfer({ gpucTokenId, payments: [] }, wallet)).toThrow(InvalidAmountError);
    expect(() =>
      buildGpucTransfer({ gpucTokenId, payments: [{ address: payer.address, units: 0n }] }, wallet),
    ).toThrow(/must be positive/);
  });
});
