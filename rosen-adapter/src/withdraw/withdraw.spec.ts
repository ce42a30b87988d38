import { fundedKey, type TestKey } from "@gpuc/offchain/testing/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmountBelowMinimumError } from "../errors/amountBelowMinimum.ts";
import { ChecksummedEvmAddressError } from "../errors/checksummedEvmAddress.ts";
import { FeeBelowMinimumError } from "../errors/feeBelowMinimum.ts";
import { InvalidDestinationError } from "../errors/invalidDestination.ts";
import { UnknownChainError } from "../errors/unknownChain.ts";
import { readLockEvent } from "../lock/extract.ts";
import { buildBridgeSwap } from "../swap/swapIn.ts";
import { type BridgeWorld, startBridgeWorld } from "../testing/bridge-world.ts";
import { buildWithdraw, quoteWithdraw, type WithdrawRequest } from "./withdraw.ts";

const GPUC = 1_000_000n;
const USDT = 10_000n;
const TO = "0x52908400098527886e0f7030069857d2e4169ee7";

let world: BridgeWorld;
let bob: TestKey;

beforeAll(async () => {
  world = await startBridgeWorld();
  await world.proposeWhitelist();
  // Bob's earnings: 100 bridged USDT swapped in (the Bank then holds a USDT reserve to pay withdrawals from).
  bob = await fundedKey(world.chain, 10_000_000_000n);
  await world.guardPay(bob.address, "rsUSDT", 100n * USDT);
  const swap = buildBridgeSwap(
    world.registry,
    await world.lets.boxes(),
    { token: "rsUSDT", amount: 100n * USDT },
    await world.lets.wallet(bob),
  );
  await world.send(bob, swap.unsignedTx);
}, 120_000);
afterAll(() => world?.stop());

const context = async () => ({
  registry: world.registry,
  minFees: world.minFees,
  boxes: await world.lets.boxes(),
});
const request = (overrides: Partial<WithdrawRequest> = {}): WithdrawRequest => ({
  gpuc: 20n * GPUC,
  token: "rsUSDT",
  toChain: "ethereum",
  toAddress: TO,
  ...overrides,
});

describe("Withdraw to another chain (devnet, Rosen's lock layout)", () => {
  it("Should quote the swap out, Rosen's minimum fees and what arrives, in the token's units", async () => {
    const quote = await quoteWithdraw(await context(), request());
    // 20 GPUC at 2 GPUC per USDT less the 0.3 % swap fee = 9.97 USDT; bridge fee max(1 USDT, 0.5 %), network 0.5.
    // rsUSDT has 4 decimals on Ergo (the set's smallest: wrapped = Ergo units), USDT 6 on Ethereum.
    expect(quote).toMatchObject({
      swappedOut: 99_700n,
      locked: 99_700n,
      wrapped: 99_700n,
      fees: { bridgeFee: 10_000n, networkFee: 5_000n },
      arrivesWrapped: 84_700n,
      arrives: 8_470_000n,
      target: { tokenId: "0xdac17f958d2ee523a2206206994597c13d831ec7", name: "USDT", decimals: 6 },
    });
  });

  it("Should lock the stable in one transaction the devnet accepts, which Rosen's extractor reads exactly", async () => {
    const boxes = await world.lets.boxes();
    const quote = await quoteWithdraw(await context(), request());
    const tx = buildWithdraw(quote, boxes, world.rosen.lock.address, await world.lets.wallet(bob));
    const txId = await world.send(bob, tx);
    const data = await readLockEvent(world.registry, world.rosen.lock.address, await world.transaction(txId));
    expect(data).toEqual({
      toChain: "ethereum",
      toAddress: TO,
      networkFee: "5000",
      bridgeFee: "10000",
      fromAddress: bob.address,
      sourceChainTokenId: world.registry.resolve("rsUSDT").tokenId,
      amount: "99700",
      targetChainTokenId: "0xdac17f958d2ee523a2206206994597c13d831ec7",
      sourceTxId: txId,
    });
    const locked = await world.chain.client.unspentByErgoTree(world.rosen.lock.ergoTree);
    expect(locked).toHaveLength(1);
  });

  it("Should refuse a checksummed EVM address, naming the lowercase one to send", async () => {
    const checksummed = "0x52908400098527886E0F7030069857D2E4169EE7";
    const refusal = quoteWithdraw(await context(), request({ toAddress: checksummed }));
    await expect(refusal).rejects.toThrow(ChecksummedEvmAddressError);
    await expect(refusal).rejects.toThrow(TO);
  });

  it("Should refuse a chain the token map does not take the token to", async () => {
    const refusal = quoteWithdraw(await context(), request({ toChain: "solana" }));
    await expect(refusal).rejects.toThrow(UnknownChainError);
    await expect(refusal).rejects.toThrow("binance, ethereum");
  });

  it("Should refuse an address that is not one of its chain", async () => {
    await expect(quoteWithdraw(await context(), request({ toAddress: "0x1234" }))).rejects.toThrow(
      InvalidDestinationError,
    );
  });

  it("Should refuse fees under the min-fee box's values, in rsUSDT", async () => {
    const bridge = quoteWithdraw(await context(), request({ fees: { bridgeFee: 9_999n } }));
    await expect(bridge).rejects.toThrow(FeeBelowMinimumError);
    await expect(bridge).rejects.toThrow("The bridge fee 0.9999 rsUSDT is under Rosen's minimum of 1 rsUSDT");
    const network = quoteWithdraw(await context(), request({ fees: { networkFee: 1n } }));
    await expect(network).rejects.toThrow(
      "The network fee 0.0001 rsUSDT is under Rosen's minimum of 0.5 rsUSDT",
    );
  });

  it("Should refuse an amount under the minimum transfer, in rsUSDT", async () => {
    // 2 GPUC buy 0.997 USDT: less than the 1.5 USDT of fees.
    const refusal = quoteWithdraw(await context(), request({ gpuc: 2n * GPUC }));
    await expect(refusal).rejects.toThrow(AmountBelowMinimumError);
    await expect(refusal).rejects.toThrow("minimum transfer of rsUSDT is 1.5001 rsUSDT");
  });
});
