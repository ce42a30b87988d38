import type { Amount, Box } from "@fleet-sdk/common";
import { OutputBuilder, RECOMMENDED_MIN_FEE_VALUE, TransactionBuilder } from "@fleet-sdk/core";
import { SInt, SLong } from "@fleet-sdk/serializer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain, type TestWallet } from "../../testing.ts";
import type { WalletContext } from "../credit/wallet.ts";
import { InvalidAmountError } from "../errors/invalidAmount.ts";
import { MalformedOraclePoolBoxError } from "../errors/malformedOraclePoolBox.ts";
import { OraclePoolNotFoundError } from "../errors/oraclePoolNotFound.ts";
import { OraclePriceStaleError } from "../errors/oraclePriceStale.ts";
import { buildOraclePoolMintTx, buildOraclePoolUpdateTx } from "./devnetPool.ts";
import { MAINNET_ERG_USD_POOL_NFT, parseOraclePoolBox, readOraclePool } from "./pool.ts";

let chain: TestChain;
let operator: TestWallet;
let nftId: string;

const wallet = async (key: Pick<TestWallet, "address">): Promise<WalletContext> => ({
  inputs: await chain.client.unspentByAddress(key.address),
  changeAddress: key.address,
  height: await chain.client.height(),
});
const poolBox = async () => (await chain.client.unspentByTokenId(nftId))[0]!;
/** A box minted by `operator` with the given registers, to read as if it were a pool box. */
const mintLookAlike = async (
  registers: Record<string, string>,
): Promise<{ tokenId: string; box: Box<Amount> }> => {
  const from = await wallet(operator);
  const unsigned = new TransactionBuilder(from.height)
    .from([...from.inputs])
    .to(
      new OutputBuilder(1_000_000n, operator.address)
        .mintToken({ amount: 1n, name: "fake pool" })
        .setAdditionalRegisters(registers),
    )
    .sendChangeTo(operator.address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build();
  const tokenId = unsigned.inputs[0]!.boxId;
  await chain.signSubmitMine(operator.signer, unsigned.toEIP12Object());
  return { tokenId, box: (await chain.client.unspentByTokenId(tokenId))[0]! };
};

beforeAll(async () => {
  chain = await startTestChain();
  operator = await chain.wallet({ nanoErgs: 10_000_000_000n });
});
afterAll(() => chain?.stop());

describe("Devnet oracle pool (devnet, full validation)", () => {
  it("Should mint a pool box with the EIP-23 layout and read its rate", async () => {
    const from = await wallet(operator);
    const minted = buildOraclePoolMintTx({
      ...from,
      operatorAddress: operator.address,
      nanoErgPerUsd: 1_500_000_000n,
    });
    nftId = minted.nftId;
    expect(nftId).toBe(minted.tx.inputs[0]!.boxId);
    await chain.signSubmitMine(operator.signer, minted.tx);

    const pool = await readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: 5 });
    expect(pool).toMatchObject({ nanoErgPerUsd: 1_500_000_000n, epoch: 1, creationHeight: from.height });
    expect(pool.ageBlocks).toBe((await chain.client.height()) - from.height);
    expect(pool.inclusionHeight).toBe(from.height + 1);
    expect(pool.box.assets).toEqual([{ tokenId: nftId, amount: "1" }]);
  });

  it("Should post a new rate: epoch + 1, created at the current height, same NFT, value and guard", async () => {
    const before = await poolBox();
    await chain.devnet.mineBlocks(3);
    const from = await wallet(operator);
    const tx = buildOraclePoolUpdateTx({ ...from, poolBox: before, nanoErgPerUsd: 2_000_000_000n });
    expect(tx.inputs[0]!.boxId).toBe(before.boxId);
    expect(tx.inputs.filter((input) => input.boxId === before.boxId)).toHaveLength(1);
    await chain.signSubmitMine(operator.signer, tx);

    const pool = await readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: 1 });
    expect(pool).toMatchObject({
      nanoErgPerUsd: 2_000_000_000n,
      epoch: 2,
      creationHeight: from.height,
      ageBlocks: 1,
    });
    expect(pool.boxId).not.toBe(before.boxId);
    expect(pool.box).toMatchObject({ value: before.value, ergoTree: before.ergoTree, assets: before.assets });
  });

  it("Should refuse a rate older than maxAgeBlocks, saying how old and the limit", async () => {
    await chain.devnet.mineBlocks(4);
    const box = await poolBox();
    const age = (await chain.client.height()) - box.creationHeight;
    const stale = readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: age - 1 });
    await expect(stale).rejects.toThrow(OraclePriceStaleError);
    await expect(stale).rejects.toMatchObject({ ageBlocks: age, maxAgeBlocks: age - 1, boxId: box.boxId });
    await expect(stale).rejects.toThrow(`${age} blocks ago`);
    await expect(
      readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: age }),
    ).resolves.toMatchObject({
      ageBlocks: age,
    });
  });

  it("Should read the confirmed pool box while an update waits in the mempool", async () => {
    const confirmed = await poolBox();
    const tx = buildOraclePoolUpdateTx({
      ...(await wallet(operator)),
      poolBox: confirmed,
      nanoErgPerUsd: 3n,
    });
    await chain.client.submit(await operator.signer.sign(tx, chain.client));
    const pool = await readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: 100 });
    expect(pool.boxId).toBe(confirmed.boxId);
    await chain.mine();
    await expect(
      readOraclePool(chain.client, { poolNftId: nftId, maxAgeBlocks: 100 }),
    ).resolves.toMatchObject({
      nanoErgPerUsd: 3n,
      epoch: 3,
    });
  });

  it("Should refuse a pool NFT that no box holds", async () => {
    const missing = readOraclePool(chain.client, { poolNftId: MAINNET_ERG_USD_POOL_NFT, maxAgeBlocks: 30 });
    await expect(missing).rejects.toThrow(OraclePoolNotFoundError);
    await expect(missing).rejects.toThrow(MAINNET_ERG_USD_POOL_NFT);
  });

  it("Should refuse a look-alike whose R4 is not a Long, and one whose R5 is missing", async () => {
    const intRate = await mintLookAlike({ R4: SInt(1_500).toHex(), R5: SInt(1).toHex() });
    await expect(
      readOraclePool(chain.client, { poolNftId: intRate.tokenId, maxAgeBlocks: 30 }),
    ).rejects.toThrow(MalformedOraclePoolBoxError);
    const noEpoch = await mintLookAlike({ R4: SLong(1_500_000_000n).toHex() });
    await expect(
      readOraclePool(chain.client, { poolNftId: noEpoch.tokenId, maxAgeBlocks: 30 }),
    ).rejects.toMatchObject({ part: "R5" });
  });

  it("Should refuse to update a box that is not a pool box, and a non-positive rate", async () => {
    const from = await wallet(operator);
    const notPool = await mintLookAlike({ R4: SLong(0n).toHex(), R5: SInt(1).toHex() });
    expect(() => buildOraclePoolUpdateTx({ ...from, poolBox: notPool.box, nanoErgPerUsd: 1n })).toThrow(
      MalformedOraclePoolBoxError,
    );
    const box = await poolBox();
    expect(() => buildOraclePoolUpdateTx({ ...from, poolBox: box, nanoErgPerUsd: 0n })).toThrow(
      InvalidAmountError,
    );
    expect(() =>
      buildOraclePoolMintTx({ ...from, operatorAddress: operator.address, nanoErgPerUsd: -1n }),
    ).toThrow(InvalidAmountError);
  });
});

describe("parseOraclePoolBox", () => {
  const thrown = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error("expected a throw");
  };
  const nft = "ab".repeat(32);
  const box = (overrides: Partial<Box<Amount>> = {}): Box<Amount> => ({
    boxId: "cd".repeat(32),
    transactionId: "ef".repeat(32),
    index: 0,
    value: "1000000",
    ergoTree: "0008cd",
    creationHeight: 100,
    assets: [
      { tokenId: nft, amount: "1" },
      { tokenId: "12".repeat(32), amount: "99999" },
    ],
    additionalRegisters: { R4: SLong(1_650_000_000n).toHex(), R5: SInt(5210).toHex() },
    ...overrides,
  });

  it("Should read the rate, the epoch and the heights of a real pool's layout (reward tokens at index 1)", () => {
    expect(parseOraclePoolBox({ ...box(), inclusionHeight: 102 }, nft)).toMatchObject({
      nanoErgPerUsd: 1_650_000_000n,
      epoch: 5210,
      creationHeight: 100,
      inclusionHeight: 102,
    });
    expect(parseOraclePoolBox({ ...box(), inclusionHeight: 0 }, nft).inclusionHeight).toBeUndefined();
  });

  it("Should refuse another NFT at token 0, or more than one of it", () => {
    expect(() => parseOraclePoolBox(box(), "00".repeat(32))).toThrow(MalformedOraclePoolBoxError);
    const reversed = box().assets.slice().reverse();
    expect(() => parseOraclePoolBox(box({ assets: reversed }), nft)).toThrow(/token 0/);
    expect(() => parseOraclePoolBox(box({ assets: [{ tokenId: nft, amount: "2" }] }), nft)).toThrow(
      MalformedOraclePoolBoxError,
    );
    expect(() => parseOraclePoolBox(box({ assets: [] }), nft)).toThrow(MalformedOraclePoolBoxError);
  });

  it("Should refuse an R4 that is not a positive Long", () => {
    for (const R4 of [SLong(0n).toHex(), SLong(-5n).toHex(), SInt(7).toHex(), undefined, "zz"]) {
      const registers = { R4, R5: SInt(1).toHex() } as Record<string, string>;
      const error = thrown(() => parseOraclePoolBox(box({ additionalRegisters: registers }), nft));
      expect(error).toBeInstanceOf(MalformedOraclePoolBoxError);
      expect(error).toMatchObject({ name: "MalformedOraclePoolBoxError", part: "R4" });
    }
  });

  it("Should refuse an R5 that is not an Int", () => {
    for (const R5 of [SLong(1n).toHex(), undefined]) {
      const registers = { R4: SLong(1n).toHex(), R5 } as Record<string, string>;
      const error = thrown(() => parseOraclePoolBox(box({ additionalRegisters: registers }), nft));
      expect(error).toMatchObject({ name: "MalformedOraclePoolBoxError", part: "R5" });
    }
  });
});
