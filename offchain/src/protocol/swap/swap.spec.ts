import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../../testing.ts";
import { tokenAmount } from "../bank/tokens.ts";
import { parseConfigBox } from "../config.ts";
import { buildDraw } from "../credit/actions.ts";
import { buildOpenCreditAccount } from "../credit/open.ts";
import { submitExpectingRejection } from "../deploy/rejection.ts";
import { moveErg, moveToken, tamper } from "../deploy/tamper.ts";
import { deployForTest, type LetsFixture, type TestKey } from "../deploy/testing.ts";
import { InsufficientReserveError } from "../errors/insufficientReserve.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { SwapTooSmallError } from "../errors/swapTooSmall.ts";
import { TokenNotWhitelistedError } from "../errors/tokenNotWhitelisted.ts";
import { buildSwapIn, buildSwapOut, swapInQuote, swapOutQuote } from "./swap.ts";

const GPUC = 1_000_000n;

let chain: TestChain;
let lets: LetsFixture;
let holder: TestKey;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
  holder = lets.stableHolder;
});
afterAll(() => chain?.stop());

const send = (key: TestKey, tx: EIP12UnsignedTransaction) => chain.signSubmitMine(key.signer, tx);
const last = (outputs: unknown[]) => outputs.length - 1;
const swap = async (amount: bigint) => ({ ...(await lets.boxes()), tokenId: lets.stableTokenId, amount });
const reserve = async () => tokenAmount(await lets.bankBox(), lets.stableTokenId);
/** An output after the Bank's that holds `tokenId`, and how much of it left the Bank in `tx`. */
const paidOut = (tx: EIP12UnsignedTransaction, tokenId: string): [number, bigint] => {
  const index = tx.outputs.findIndex(
    (box, i) => i > 0 && box.assets.some((asset) => asset.tokenId === tokenId),
  );
  return [index, tokenAmount(tx.inputs[0]!, tokenId) - tokenAmount(tx.outputs[0]!, tokenId)];
};
const held = async (key: TestKey, tokenId: string) => {
  const boxes = await chain.client.unspentByAddress(key.address);
  return boxes.reduce((sum, box) => sum + tokenAmount(box, tokenId), 0n);
};

describe("Stable swaps (devnet)", () => {
  it("Should swap a stable token in at the Config rate minus the swap fee", async () => {
    // 10.00 TestUSD × 10,000 units per cent × (1 − 0.3%) = 9.97 GPUC
    await send(holder, buildSwapIn(await swap(1_000n), await lets.wallet(holder)));
    expect(await held(holder, lets.deployment.gpucTokenId)).toBe(9_970_000n);
    expect(await reserve()).toBe(1_000n);
  });

  it("Should swap GPUC out for the stable token, rounding down", async () => {
    // 5 GPUC / 10,000 × (1 − 0.3%) = 498.5 cents → 498
    await send(holder, buildSwapOut(await swap(5n * GPUC), await lets.wallet(holder)));
    expect(await reserve()).toBe(502n);
  });

  it("Should let the reserve run dry, the token leaving the Bank box", async () => {
    // Swap fees make a round trip lose GPUC, so the holder draws 1 GPUC of credit to buy the whole reserve back.
    const open = { deployment: lets.deployment, owner: holder.address, collateral: 5_000_000_000n };
    await send(holder, buildOpenCreditAccount(open, await lets.wallet(holder)));
    const [account] = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
    await send(
      holder,
      buildDraw({ ...(await lets.boxes()), account: account!, amount: GPUC }, await lets.wallet(holder)),
    );
    const config = parseConfigBox(await lets.configBox());
    let amount = (502n * 10_000n * 10_000n + 9_969n) / 9_970n; // smallest GPUC amount that pays 502 cents
    while (swapOutQuote(config, lets.stableTokenId, amount) > 502n) amount -= 1n;
    await send(holder, buildSwapOut(await swap(amount), await lets.wallet(holder)));
    const bank = await lets.bankBox();
    expect(bank.assets.map((asset) => asset.tokenId)).toEqual([
      lets.deployment.bankNftId,
      lets.deployment.gpucTokenId,
    ]);
  });

  it("Should refuse a swap out beyond the reserve", async () => {
    await expect(async () => buildSwapOut(await swap(GPUC), await lets.wallet(holder))).rejects.toThrow(
      InsufficientReserveError,
    );
  });
});

describe("Bank swap guards (devnet, each tampered tx breaks one guard)", () => {
  beforeAll(async () => {
    await send(holder, buildSwapIn(await swap(10_000n), await lets.wallet(holder)));
  });

  it("Should reject a swap in that takes more GPUC than the rate gives", async () => {
    const honest = buildSwapIn(await swap(100n), await lets.wallet(holder));
    const tx = tamper(honest, (outputs) =>
      moveToken(outputs, 0, last(outputs), lets.deployment.gpucTokenId, 1n),
    );
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });

  it("Should reject a swap out that takes more of the stable token than the rate gives", async () => {
    const honest = buildSwapOut(await swap(2n * GPUC), await lets.wallet(holder));
    const tx = tamper(honest, (outputs) => moveToken(outputs, 0, last(outputs), lets.stableTokenId, 1n));
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });

  it("Should reject GPUC paid into the Bank on the swap path for no stable token", async () => {
    // An honest swap out, with the stable token handed back: GPUC in, nothing out. A swap must swap.
    const honest = buildSwapOut(await swap(2n * GPUC), await lets.wallet(holder));
    const [paid, amount] = paidOut(honest, lets.stableTokenId);
    const tx = tamper(honest, (outputs) => moveToken(outputs, paid, 0, lets.stableTokenId, amount));
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });

  it("Should accept a swap in that takes less GPUC than the rate gives, down to none", async () => {
    const honest = buildSwapIn(await swap(100n), await lets.wallet(holder));
    const [paid, issued] = paidOut(honest, lets.deployment.gpucTokenId);
    expect(issued).toBe(100n * 9_970n);
    const tx = tamper(honest, (outputs) => moveToken(outputs, paid, 0, lets.deployment.gpucTokenId, issued));
    const before = await reserve();
    await send(holder, tx);
    expect(await reserve()).toBe(before + 100n);
  });

  it("Should pay a swap out exactly at the rate (the bound is inclusive)", async () => {
    // 10 GPUC / 10,000 × (1 − 0.3%) = 997 cents exactly: 997 × 10,000 × 10,000 = 10,000,000 × 9,970.
    const config = parseConfigBox(await lets.configBox());
    expect(swapOutQuote(config, lets.stableTokenId, 10n * GPUC)).toBe(997n);
    const before = await reserve();
    await send(holder, buildSwapOut(await swap(10n * GPUC), await lets.wallet(holder)));
    expect(await reserve()).toBe(before - 997n);
  });

  it("Should reject a swap that takes another Bank token along (the Bank NFT)", async () => {
    const honest = buildSwapIn(await swap(100n), await lets.wallet(holder));
    const tx = tamper(honest, (outputs) =>
      moveToken(outputs, 0, last(outputs), lets.deployment.bankNftId, 1n),
    );
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });

  it("Should reject a swap that takes ERG from the Bank", async () => {
    const honest = buildSwapIn(await swap(100n), await lets.wallet(holder));
    const tx = tamper(honest, (outputs) => moveErg(outputs, 0, last(outputs), 1_000_000n));
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });

  it("Should reject a swap priced by a fake Config box", async () => {
    // The holder's own "Config" doubles the rate; built as if it were the deployment's.
    const real = parseConfigBox(await lets.configBox());
    const fake = await lets.mintFakeConfig(holder, {
      ...real,
      whitelist: [{ tokenId: lets.stableTokenId, rate: 20_000n }],
    });
    const deployment = { ...lets.deployment, configNftId: fake.tokenId };
    const tx = buildSwapIn(
      { ...(await swap(100n)), deployment, configBox: fake.box },
      await lets.wallet(holder),
    );
    expect((await submitExpectingRejection(chain.client, tx, [holder.secretHex])).failedInput).toBe(0);
  });
});

describe("Swap builders: typed input errors", () => {
  it("Should refuse a token that is not whitelisted", async () => {
    const boxes = await lets.boxes();
    const wallet = await lets.wallet(holder);
    expect(() => buildSwapIn({ ...boxes, tokenId: "ab".repeat(32), amount: 100n }, wallet)).toThrow(
      TokenNotWhitelistedError,
    );
  });

  it("Should refuse swaps that pay nothing and non-positive amounts", async () => {
    const wallet = await lets.wallet(holder);
    await expect(async () => buildSwapOut(await swap(9_999n), wallet)).rejects.toThrow(SwapTooSmallError);
    await expect(async () => buildSwapIn(await swap(0n), wallet)).rejects.toThrow(InvalidAmountError);
  });

  it("Should quote what the Bank contract accepts", async () => {
    const config = parseConfigBox(await lets.configBox());
    expect(swapInQuote(config, lets.stableTokenId, 1n)).toBe(9_970n);
    expect(swapOutQuote(config, lets.stableTokenId, 10_000n * 100n)).toBe(99n);
  });
});
