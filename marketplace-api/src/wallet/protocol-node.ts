import type { Deployment } from "@gpuc/ergoscript";
import {
  type ChainBox,
  type ChainClient,
  type CreditAccount,
  GpucProtocolError,
  type ProtocolConfig,
  parseConfigBox,
  parseCreditAccount,
  parseStakeBox,
  RepayExceedsDebtError,
  type StakeState,
  toErgoTree,
  UndercollateralizedError,
  type WalletContext,
} from "@gpuc/offchain";
import { HttpError } from "@gpuc/platform/http";
import { formatErg, formatGpuc } from "@gpuc/sdk";

/** What the wallet routes read from and send to an Ergo node (or the devnet). */
export type ProtocolChainClient = Pick<
  ChainClient,
  | "height"
  | "unspentByAddress"
  | "unspentBox"
  | "unspentByTokenId"
  | "unspentByErgoTree"
  | "submit"
  | "transaction"
  | "unconfirmedTransaction"
>;

/** The node and the deployment the marketplace builds wallet transactions for. */
export interface ProtocolNode {
  readonly client: ProtocolChainClient;
  readonly deployment: Deployment;
}

/**
 * The protocol boxes a wallet transaction is built over, read from the node (mempool applied, as a wallet sees
 * them): the signed-in address's boxes, the Config and Bank singletons, credit accounts and stakes by owner.
 */
export class ProtocolReader {
  constructor(readonly node: ProtocolNode) {}

  get deployment(): Deployment {
    return this.node.deployment;
  }

  async wallet(address: string): Promise<WalletContext> {
    const [inputs, height] = await Promise.all([
      this.node.client.unspentByAddress(address),
      this.node.client.height(),
    ]);
    return { inputs, changeAddress: address, height };
  }

  configBox(): Promise<ChainBox> {
    return this.#singleton(this.deployment.configNftId, "Config");
  }

  bankBox(): Promise<ChainBox> {
    return this.#singleton(this.deployment.bankNftId, "Bank");
  }

  async config(): Promise<ProtocolConfig> {
    return parseConfigBox(await this.configBox(), this.deployment.configNftId);
  }

  /** The owner's Credit Account, if it has one (the newest when several). */
  async creditAccount(owner: string): Promise<CreditAccount | undefined> {
    const tree = toErgoTree(owner);
    const boxes = await this.node.client.unspentByErgoTree(this.deployment.contracts.creditAccount.ergoTree);
    return boxes
      .flatMap((box) => readable(() => parseCreditAccount(box, this.deployment)))
      .filter((account) => account.owner === tree)
      .at(-1);
  }

  /** The provider's stake box, if it has one (the newest when several). */
  async stake(owner: string): Promise<StakeState | undefined> {
    const tree = toErgoTree(owner);
    const boxes = await this.node.client.unspentByErgoTree(this.deployment.contracts.providerStake.ergoTree);
    return boxes
      .flatMap((box) => readable(() => parseStakeBox(box, this.deployment)))
      .filter((stake) => stake.provider === tree)
      .at(-1);
  }

  async #singleton(tokenId: string, name: string): Promise<ChainBox> {
    const [box] = await this.node.client.unspentByTokenId(tokenId);
    if (!box) throw new HttpError(503, `The GPUC ${name} box is not on chain; check GPUC_DEPLOYMENT_FILE`);
    return box;
  }
}

/** The reader, or the 503 that says what to configure when the marketplace runs without a node. */
export function connected(reader: ProtocolReader | undefined): ProtocolReader {
  if (!reader) {
    throw new HttpError(
      503,
      "The marketplace has no chain connection configured; set ERGO_NODE_URL and GPUC_DEPLOYMENT_FILE",
    );
  }
  return reader;
}

/** A box someone sent to a contract's address without its registers is nobody's account or stake. */
function readable<T>(parse: () => T): T[] {
  try {
    return [parse()];
  } catch {
    return [];
  }
}

/**
 * Runs a builder: a refusal (`GpucProtocolError`: undercollateralised, repay beyond the debt, wallet short…)
 * becomes a 422 carrying the builder's message with its amounts in GPUC and ERG, and the error's name and fields.
 */
export function built<T>(gpucTokenId: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof GpucProtocolError)) throw error;
    throw new HttpError(422, inPeopleUnits(reworded(error), gpucTokenId), {
      refusal: error.name,
      ...fieldsOf(error),
    });
  }
}

/** The builder's message, with the amounts it states bare given their units (the rest are in the message). */
function reworded(error: GpucProtocolError): string {
  if (error instanceof UndercollateralizedError)
    return `A debt of ${formatGpuc(error.debt)} needs at least ${formatErg(error.requiredCollateral)} of collateral at the current price and collateral ratio; the account would hold ${formatErg(error.collateral)}. Add collateral or draw less`;
  if (error instanceof RepayExceedsDebtError)
    return `The account owes ${formatGpuc(error.debt)}; repay at most that much (asked ${formatGpuc(error.amount)})`;
  return error.message;
}

/** "2000000 GPUC units" → "2 GPUC", "1500000000 nanoERG" → "1.5 ERG", the GPUC token by its name. */
export function inPeopleUnits(message: string, gpucTokenId: string): string {
  return message
    .replace(/(\d+) GPUC units/g, (_, units: string) => formatGpuc(units))
    .replace(/(\d+) nanoERG/g, (_, units: string) => formatErg(units))
    .replace(new RegExp(`(\\d+) of token ${gpucTokenId || "(?!)"}`, "g"), (_, units: string) =>
      formatGpuc(units),
    );
}

/** The error's own data (amounts as strings), for a client that acts on it. */
function fieldsOf(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "bigint") fields[key] = value.toString();
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      fields[key] = value;
  }
  return fields;
}
