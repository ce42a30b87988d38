import type { EIP12UnsignedTransaction } from "@fleet-sdk/common";
import type { IndexStore } from "@gpuc/indexer";
import {
  buildAddCollateral,
  buildDraw,
  buildOpenCreditAccount,
  buildRepay,
  buildWithdrawCollateral,
  type CreditAccount,
  type ProtocolConfig,
  parseConfigBox,
  parseCreditAccount,
  sigmaPropRegister,
} from "@gpuc/offchain";
import { assert, HttpError } from "@gpuc/platform/http";
import type { CreditAccountView, CreditTx } from "@gpuc/sdk";
import { toFleetBox } from "../chain/indexed-lineage.ts";
import type { Principal } from "../core/route.ts";
import { creditHealth } from "./credit-health.ts";
import { indexedConfig } from "./indexed-config.ts";
import { built, connected, type ProtocolReader } from "./protocol-node.ts";

/** The owner actions on an existing Credit Account; each names what `amount` is and how it moves the account. */
export const CREDIT_ACTIONS = {
  "collateral/add": { build: buildAddCollateral, collateral: 1n, debt: 0n },
  "collateral/withdraw": { build: buildWithdrawCollateral, collateral: -1n, debt: 0n },
  draw: { build: buildDraw, collateral: 0n, debt: 1n },
  repay: { build: buildRepay, collateral: 0n, debt: -1n },
} as const;
export type CreditAction = keyof typeof CREDIT_ACTIONS;

const NO_ACCOUNT = (address: string) =>
  `${address} has no credit account; open one with POST /api/v1/wallet/credit/open { amount: <nanoERG of collateral> }`;

/**
 * The signed-in address's LETS credit: its account as confirmed on chain (the index), and the unsigned
 * transactions that open it, move collateral, draw and repay — built by offchain's builders over the address's
 * boxes, the account and the Config and Bank boxes read from the node (mempool applied), for the wallet to sign.
 */
export class CreditService {
  constructor(
    private readonly index: IndexStore,
    private readonly reader: ProtocolReader | undefined,
  ) {}

  async account(principal: Principal): Promise<CreditAccountView> {
    const [box] = await this.index.unspentByRegister("account", "R4", sigmaPropRegister(principal.address));
    assert(box, 404, NO_ACCOUNT(principal.address));
    // The index kept the box by the deployment's Credit Account tree (its "account" rule): that is the contract.
    const account = parseCreditAccount(toFleetBox(box), {
      contracts: { creditAccount: { ergoTree: box.ergoTree } },
    });
    const config = await indexedConfig(this.index);
    return {
      address: principal.address,
      boxId: box.boxId,
      price: config.price.toString(),
      collateralRatioPct: config.collateralRatioPct,
      liquidationRatioPct: config.liquidationRatioPct,
      ...creditHealth(account.collateral, account.debt, config),
    };
  }

  /** Opens an account with `collateral` nanoERG and no debt; an address with an account adds collateral instead. */
  async open(principal: Principal, collateral: bigint): Promise<CreditTx> {
    const reader = connected(this.reader);
    const existing = await reader.creditAccount(principal.address);
    if (existing) {
      throw new HttpError(
        409,
        `${principal.address} already has credit account ${existing.box.boxId}; add collateral to it with POST /api/v1/wallet/credit/collateral/add`,
        { boxId: existing.box.boxId },
      );
    }
    const [config, wallet] = await Promise.all([reader.config(), reader.wallet(principal.address)]);
    const { deployment } = reader;
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildOpenCreditAccount({ deployment, owner: principal.address, collateral }, wallet),
    );
    return { unsignedTx: { ...unsignedTx }, preview: creditHealth(collateral, 0n, config) };
  }

  async act(principal: Principal, action: CreditAction, amount: bigint): Promise<CreditTx> {
    // Without a node, the index still tells an address with no account what to do (404) before the 503.
    if (!this.reader) await this.account(principal);
    const reader = connected(this.reader);
    const account = await reader.creditAccount(principal.address);
    assert(account, 404, NO_ACCOUNT(principal.address));
    const [configBox, bankBox, wallet] = await Promise.all([
      reader.configBox(),
      reader.bankBox(),
      reader.wallet(principal.address),
    ]);
    const { deployment } = reader;
    const move = CREDIT_ACTIONS[action];
    const unsignedTx: EIP12UnsignedTransaction = built(deployment.gpucTokenId, () =>
      move.build({ deployment, configBox, bankBox, account: account.box, amount }, wallet),
    );
    const config: ProtocolConfig = parseConfigBox(configBox, deployment.configNftId);
    return { unsignedTx: { ...unsignedTx }, preview: previewOf(account, move, amount, config) };
  }
}

function previewOf(
  account: CreditAccount,
  move: { collateral: bigint; debt: bigint },
  amount: bigint,
  config: ProtocolConfig,
) {
  return creditHealth(
    account.collateral + move.collateral * amount,
    account.debt + move.debt * amount,
    config,
  );
}
