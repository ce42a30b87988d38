import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { SignedTransaction } from "../src/chain/types.ts";
import { sigmaPropRegister } from "../src/protocol/config/sigmaProp.ts";
import { buildConfigUpdate } from "../src/protocol/config/update.ts";
import { parseCreditAccount } from "../src/protocol/credit/account.ts";
import {
  buildAddCollateral,
  buildDraw,
  buildRepay,
  buildWithdrawCollateral,
} from "../src/protocol/credit/actions.ts";
import { buildCloseCreditAccount } from "../src/protocol/credit/close.ts";
import { buildLiquidation } from "../src/protocol/credit/liquidate.ts";
import { buildOpenCreditAccount } from "../src/protocol/credit/open.ts";
import { deployForTest, fundedKey, type TestKey } from "../src/protocol/deploy/testing.ts";
import { buildSwapIn, buildSwapOut } from "../src/protocol/swap/swap.ts";
import type { TestChain } from "../src/testing.ts";

/** One LETS action as it went on chain, with what a cost estimator needs to re-run its scripts. */
export interface LetsScenario {
  readonly action: string;
  readonly signedTx: SignedTransaction;
  /** The EIP-12 unsigned transaction (inputs with their boxes and context extensions). */
  readonly unsignedTx: EIP12UnsignedTransaction;
  readonly inputs: EIP12UnsignedTransaction["inputs"];
  readonly dataInputs: EIP12UnsignedTransaction["dataInputs"];
  /** Height the transaction was validated at (chain height + 1 when it was submitted). */
  readonly height: number;
}

const ERG = 1_000_000_000n;
const GPUC = 1_000_000n;

/**
 * Deploys GPUC on `chain` and performs every LETS action once (config price update, open, draw, repay, add and
 * withdraw collateral, swap in and out, liquidation, close), each accepted by the devnet's full validation.
 *
 * @example
 * const chain = await startTestChain();
 * for (const s of await letsScenarios(chain)) console.log(s.action, transactionCost(s.unsignedTx, s.height).cost);
 */
export async function letsScenarios(chain: TestChain): Promise<LetsScenario[]> {
  const lets = await deployForTest(chain);
  const member = await fundedKey(chain, 200n * ERG);
  const holder = lets.stableHolder;
  const scenarios: LetsScenario[] = [];
  const perform = async (
    action: string,
    key: TestKey,
    unsignedTx: EIP12UnsignedTransaction,
    record = true,
  ) => {
    const height = (await chain.client.height()) + 1;
    const signedTx = await key.signer.sign(unsignedTx, chain.client);
    await chain.client.submit(signedTx);
    await chain.mine();
    if (record)
      scenarios.push({
        action,
        signedTx,
        unsignedTx,
        inputs: unsignedTx.inputs,
        dataInputs: unsignedTx.dataInputs,
        height,
      });
  };
  const account = async (owner: TestKey) => {
    const boxes = await chain.client.unspentByErgoTree(lets.deployment.contracts.creditAccount.ergoTree);
    const owned = sigmaPropRegister(owner.address);
    return boxes.find((box) => parseCreditAccount(box, lets.deployment).ownerRegister === owned)!;
  };
  const act = async (owner: TestKey, amount: bigint) => ({
    ...(await lets.boxes()),
    account: await account(owner),
    amount,
  });
  const wallet = (key: TestKey) => lets.wallet(key);
  const open = (owner: TestKey, collateral: bigint) => ({
    deployment: lets.deployment,
    owner: owner.address,
    collateral,
  });

  await perform(
    "open credit account",
    member,
    buildOpenCreditAccount(open(member, 100n * ERG), await wallet(member)),
  );
  await perform("draw", member, buildDraw(await act(member, 50n * GPUC), await wallet(member)));
  await perform("repay", member, buildRepay(await act(member, 10n * GPUC), await wallet(member)));
  await perform(
    "add collateral",
    member,
    buildAddCollateral(await act(member, 10n * ERG), await wallet(member)),
  );
  await perform(
    "withdraw collateral",
    member,
    buildWithdrawCollateral(await act(member, 20n * ERG), await wallet(member)),
  );
  const swap = async (amount: bigint) => ({ ...(await lets.boxes()), tokenId: lets.stableTokenId, amount });
  await perform("swap in", holder, buildSwapIn(await swap(100_000n), await wallet(holder)));
  await perform("swap out", holder, buildSwapOut(await swap(10n * GPUC), await wallet(holder)));
  const price = { deployment: lets.deployment, configBox: await lets.configBox(), role: "arbiter" as const };
  await perform(
    "config price update",
    lets.arbiter,
    buildConfigUpdate({ ...price, changes: { price: 2n * ERG } }, await wallet(lets.arbiter)),
  );
  await perform("liquidate", holder, buildLiquidation({ ...(await act(member, 0n)) }, await wallet(holder)));
  await perform("open", holder, buildOpenCreditAccount(open(holder, 2n * ERG), await wallet(holder)), false);
  const close = {
    deployment: lets.deployment,
    account: await account(holder),
    configBox: await lets.configBox(),
  };
  await perform("close credit account", holder, buildCloseCreditAccount(close, await wallet(holder)));
  return scenarios;
}
