import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestChain, type TestChain } from "../testing.ts";
import { parseConfigBox } from "./config.ts";
import { deployForTest, type LetsFixture } from "./deploy/testing.ts";
import { GPUC_SUPPLY, readDeployment, writeDeployment } from "./deploy.ts";

let chain: TestChain;
let lets: LetsFixture;

beforeAll(async () => {
  chain = await startTestChain();
  lets = await deployForTest(chain);
});
afterAll(() => chain?.stop());

describe("deployProtocol", () => {
  it("Should lock the whole GPUC supply and the Bank NFT in the Bank box", async () => {
    const bank = await lets.bankBox();
    expect(bank.ergoTree).toBe(lets.deployment.contracts.bank.ergoTree);
    expect(bank.assets.map((a) => [a.tokenId, BigInt(a.amount)])).toEqual([
      [lets.deployment.bankNftId, 1n],
      [lets.deployment.gpucTokenId, GPUC_SUPPLY],
    ]);
  });

  it("Should create the Config box with its NFT and the settings in its registers", async () => {
    const box = await lets.configBox();
    expect(box.ergoTree).toBe(lets.deployment.contracts.config.ergoTree);
    const config = parseConfigBox(box, lets.deployment.configNftId);
    expect(config.price).toBe(1_000_000_000n);
    expect(config.whitelist).toEqual([{ tokenId: lets.stableTokenId, rate: 10_000n }]);
    expect(config.blocksPerHour).toBe(5);
  });

  it("Should mint GPUC as an EIP-4 token with 6 decimals", async () => {
    // A token's id is the id of the first input of the transaction that minted it.
    const mintInput = await chain.client.indexedBox(lets.deployment.gpucTokenId);
    const mintTx = await chain.client.transaction(mintInput!.spentTransactionId!);
    const minted = mintTx!.outputs.find((box) =>
      box.assets.some((a) => a.tokenId === lets.deployment.gpucTokenId),
    );
    const text = (register?: string) => Buffer.from(register!.slice(4), "hex").toString("utf8");
    expect(text(minted!.additionalRegisters.R4)).toBe("GPUC");
    expect(text(minted!.additionalRegisters.R6)).toBe("6");
  });

  it("Should write a deployment file that reads back equal", () => {
    const path = join(mkdtempSync(join(tmpdir(), "gpuc-")), "deployment.json");
    writeDeployment(lets.deployment, path);
    expect(readDeployment(path)).toEqual(lets.deployment);
  });
});
