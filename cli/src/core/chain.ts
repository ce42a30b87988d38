import type { Deployment } from "@gpuc/ergoscript";
import {
  type ChainBox,
  type CreditAccount,
  NodeChainClient,
  parseCreditAccount,
  parseStakeBox,
  type Signer,
  type StakeState,
  toErgoTree,
  type WalletContext,
  waitForConfirmations,
} from "@gpuc/offchain";
import { NotFoundOnChainError, WaitTimeoutError } from "./errors.ts";
import type { Output } from "./output.ts";

/** What an address holds: ERG and GPUC (units), from its unspent boxes (mempool included). */
export interface Balance {
  readonly address: string;
  readonly nanoErgs: bigint;
  readonly gpuc: bigint;
}

/** An EIP-12 unsigned transaction, as the builders return and `Signer.sign` takes. */
export type UnsignedTx = Parameters<Signer["sign"]>[0];

/**
 * The chain as the CLI uses it: one node (or devnet) client, the deployment, and submit-and-wait with progress.
 */
export class ChainContext {
  readonly client: NodeChainClient;

  constructor(
    readonly nodeUrl: string,
    readonly deployment: Deployment,
    readonly output: Output,
    readonly confirmTimeoutMs = 600_000,
  ) {
    this.client = new NodeChainClient(nodeUrl);
  }

  async balance(address: string): Promise<Balance> {
    const boxes = await this.client.unspentByAddress(address);
    return {
      address,
      nanoErgs: boxes.reduce((sum, box) => sum + BigInt(box.value), 0n),
      gpuc: gpucIn(boxes, this.deployment.gpucTokenId),
    };
  }

  async wallet(address: string): Promise<WalletContext> {
    const [inputs, height] = await Promise.all([this.client.unspentByAddress(address), this.client.height()]);
    return { inputs, changeAddress: address, height };
  }

  async configBox(): Promise<ChainBox> {
    return this.singleton(this.deployment.configNftId, "Config");
  }

  async bankBox(): Promise<ChainBox> {
    return this.singleton(this.deployment.bankNftId, "Bank");
  }

  /** The owner's Credit Account, if it has one (the newest when several). */
  async creditAccount(owner: string): Promise<CreditAccount | undefined> {
    const tree = toErgoTree(owner);
    const boxes = await this.client.unspentByErgoTree(this.deployment.contracts.creditAccount.ergoTree);
    const accounts = boxes.flatMap((box) => {
      try {
        const account = parseCreditAccount(box, this.deployment);
        return account.owner === tree ? [account] : [];
      } catch {
        return []; // a box someone sent to the Credit Account address without its registers
      }
    });
    return accounts.at(-1);
  }

  /** The provider's stake box, if it has one (the newest when several). */
  async stake(provider: string): Promise<StakeState | undefined> {
    const tree = toErgoTree(provider);
    const boxes = await this.client.unspentByErgoTree(this.deployment.contracts.providerStake.ergoTree);
    const stakes = boxes.flatMap((box) => {
      try {
        const stake = parseStakeBox(box, this.deployment);
        return stake.provider === tree ? [stake] : [];
      } catch {
        return []; // a box someone sent to the stake address without stake registers
      }
    });
    return stakes.at(-1);
  }

  /** Signs, submits and waits for one confirmation, reporting progress; resolves to the tx id. */
  async submit(signer: Signer, tx: UnsignedTx, what: string): Promise<string> {
    const signed = await signer.sign(tx, this.client);
    const txId = await this.client.submit(signed);
    this.output.progress(`${what}: submitted ${txId}`);
    await this.confirm(txId, what);
    return txId;
  }

  async confirm(txId: string, what: string): Promise<number> {
    try {
      return await waitForConfirmations(this.client, txId, 1, {
        timeoutMs: this.confirmTimeoutMs,
        pollMs: 250,
        onProgress: (count, wanted) => this.output.progress(`${what}: ${count}/${wanted} confirmations`),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "ConfirmationTimeoutError") {
        throw new WaitTimeoutError(`${what}: transaction ${txId} was not confirmed in time; check it later`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async singleton(tokenId: string, name: string): Promise<ChainBox> {
    const box = (await this.client.unspentByTokenId(tokenId))[0];
    if (!box) {
      throw new NotFoundOnChainError(
        `The ${name} box (token ${tokenId}) is not on this chain; is GPUC_DEPLOYMENT_FILE the deployment of ERGO_NODE_URL's chain?`,
      );
    }
    return box;
  }
}

/** GPUC units held by a list of boxes. */
export function gpucIn(boxes: readonly ChainBox[], gpucTokenId: string): bigint {
  return boxes
    .flatMap((box) => box.assets)
    .filter((asset) => asset.tokenId === gpucTokenId)
    .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);
}
