import type { Amount, Box } from "@fleet-sdk/common";
import type { Deployment } from "@gpuc/ergoscript";
import {
  buildConfigUpdate,
  type ChainClient,
  type LetsBoxes,
  parseConfigBox,
  type ReadOraclePoolOptions,
  readOraclePool,
  type StableToken,
  toErgoTree,
} from "@gpuc/offchain";
import {
  type BridgeIn,
  type BridgeSwap,
  type BridgeTokens,
  type DepositListQuery,
  type Deposit as DepositView,
  formatAmount,
  formatGpuc,
  type Page,
  parseAmount,
  parseGpuc,
  SdkError,
  type WhitelistProposal,
  type WithdrawRequest,
  type WithdrawQuote as WithdrawView,
} from "@gpuc/sdk";
import type { Deposit, DepositsRepository } from "./deposits/deposits.repository.ts";
import { BridgeError } from "./errors/base.ts";
import type { MinFeeSource } from "./fees/minFee.ts";
import { proposedWhitelist, swapEligibility } from "./swap/eligibility.ts";
import { buildBridgeSwap } from "./swap/swapIn.ts";
import type { TokenRegistry } from "./tokens/registry.ts";
import { buildWithdraw, quoteWithdraw } from "./withdraw/withdraw.ts";

export interface BridgeServiceDeps {
  readonly registry: TokenRegistry;
  readonly deposits: DepositsRepository;
  readonly chain: ChainClient;
  readonly deployment: Deployment;
  readonly minFees: MinFeeSource;
  readonly lockAddress: string;
  readonly rosenAppUrl: string;
  readonly confirmations: number;
  /** The ERG/USD oracle pool the whitelist is priced with; without it no whitelist is proposed. */
  readonly oracle?: ReadOraclePoolOptions;
}

/** What the bridge routes do: each method answers one route for the signed-in wallet `address`. */
export class BridgeService {
  constructor(private readonly deps: BridgeServiceDeps) {}

  /** The token map's tokens on Ergo, with whether (and at what rate) each swaps into GPUC, or why not. */
  async tokens(): Promise<BridgeTokens> {
    const { registry } = this.deps;
    const config = parseConfigBox((await this.boxes()).configBox);
    return {
      mapVersion: registry.file.version,
      network: registry.file.network,
      lockAddress: this.deps.lockAddress,
      rosenAppUrl: this.deps.rosenAppUrl,
      tokens: swapEligibility(registry, config).map(({ token, swappable, rate, reason }) => ({
        ...token,
        chains: [...token.chains],
        swappable,
        ...(rate === undefined ? {} : { rate: rate.toString() }),
        ...(reason === undefined ? {} : { reason }),
      })),
    };
  }

  /** For each source chain of the map: what to lock there to receive which token at `address` on Ergo. */
  async bridgeIn(address: string): Promise<BridgeIn> {
    const { tokens } = await this.tokens();
    const chains = this.deps.registry.chains().map((chain) => ({
      chain,
      routes: tokens
        .filter((token) => token.chains.includes(chain))
        .map((token) => {
          const source = this.deps.registry.onChain(this.deps.registry.resolve(token.tokenId), chain);
          return {
            fromChain: chain,
            lock: { tokenId: source.tokenId, name: source.name, decimals: source.decimals },
            receive: { tokenId: token.tokenId, name: token.name, swappable: token.swappable },
          };
        }),
    }));
    return { toAddress: address, rosenAppUrl: this.deps.rosenAppUrl, chains };
  }

  async deposits(address: string, query: DepositListQuery): Promise<Page<DepositView>> {
    const offset = (query.page - 1) * query.limit;
    const [{ items, total }, tip] = await Promise.all([
      this.deps.deposits.list(toErgoTree(address), query.limit, offset),
      this.deps.chain.height(),
    ]);
    return {
      items: items.map((deposit) => this.view(deposit, tip)),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  /** The deposits a stream resuming after `lastEventId` (`<txId>:<tokenId>`) missed, oldest first. */
  async missed(address: string, lastEventId: string | undefined): Promise<Deposit[]> {
    const match = lastEventId?.match(/^([0-9a-f]{64}):([0-9a-z]{1,64})$/);
    if (!match) return [];
    return this.deps.deposits.confirmedAfter(toErgoTree(address), match[1]!, match[2]!);
  }

  /** A deposit as the wire shows it, with its confirmations at `tip`. */
  view(deposit: Deposit, tip: number): DepositView {
    const token = this.deps.registry.byErgoId(deposit.tokenId);
    return {
      txId: deposit.txId,
      address: deposit.address,
      tokenId: deposit.tokenId,
      tokenName: token?.name ?? deposit.tokenId,
      amountUnits: deposit.amount.toString(),
      amount: formatAmount(deposit.amount, token?.decimals ?? 0),
      inclusionHeight: deposit.inclusionHeight,
      confirmations: Math.max(0, tip - deposit.inclusionHeight + 1),
      confirmed: deposit.confirmedHeight !== null,
      seenAt: deposit.seenAt.toISOString(),
      confirmedAt: deposit.confirmedAt?.toISOString() ?? null,
    };
  }

  /** The unsigned swap of a bridged stable into GPUC, paid from `address`'s boxes. */
  async swap(address: string, request: { token: string; amount: string }): Promise<BridgeSwap> {
    const token = this.deps.registry.resolve(request.token);
    const amount = amountOf(() => parseAmount(request.amount, token.decimals, `The ${token.name} amount`));
    const swap = buildBridgeSwap(
      this.deps.registry,
      await this.boxes(),
      { token: token.tokenId, amount },
      await this.wallet(address),
    );
    return {
      tokenId: swap.tokenId,
      tokenName: token.name,
      amountUnits: swap.amount.toString(),
      gpucUnits: swap.gpuc.toString(),
      gpuc: formatGpuc(swap.gpuc),
      rate: swap.rate.toString(),
      unsignedTx: { ...swap.unsignedTx },
    };
  }

  /** The withdrawal's quote and its unsigned transaction (swap out + lock box), paid from `address`. */
  async withdraw(address: string, request: WithdrawRequest): Promise<WithdrawView> {
    const gpuc = amountOf(() => parseGpuc(request.gpuc));
    const boxes = await this.boxes();
    const fees = {
      ...(request.bridgeFee === undefined ? {} : { bridgeFee: BigInt(request.bridgeFee) }),
      ...(request.networkFee === undefined ? {} : { networkFee: BigInt(request.networkFee) }),
    };
    const context = { registry: this.deps.registry, minFees: this.deps.minFees, boxes };
    const quote = await quoteWithdraw(context, { ...request, gpuc, fees });
    const unsignedTx = buildWithdraw(quote, boxes, this.deps.lockAddress, await this.wallet(address));
    const { token } = quote;
    const inToken = (units: bigint, decimals = token.decimals, name = token.name) => ({
      units: units.toString(),
      amount: formatAmount(units, decimals),
      token: name,
    });
    return {
      gpucUnits: gpuc.toString(),
      tokenId: token.tokenId,
      swappedOut: inToken(quote.swappedOut),
      locked: inToken(quote.locked),
      bridgeFee: inToken(quote.fees.bridgeFee, token.significantDecimals),
      networkFee: inToken(quote.fees.networkFee, token.significantDecimals),
      arrives: inToken(quote.arrives, quote.target.decimals, quote.target.name),
      toChain: quote.toChain,
      toAddress: quote.toAddress,
      lockAddress: this.deps.lockAddress,
      minFeeBoxId: quote.minFeeBoxId,
      unsignedTx: { ...unsignedTx },
    };
  }

  /**
   * The whitelist the map gives at the current Config price and ERG/USD oracle rate, and the Config update that
   * sets it, built for `admin` (the Config's R7 key signs it; the Bank contract then swaps at these rates).
   */
  async whitelistProposal(admin: string): Promise<WhitelistProposal> {
    const { registry, oracle, chain } = this.deps;
    if (!oracle)
      throw new BridgeError(
        "No ERG/USD oracle pool is configured (ROSEN_POOL_NFT); set it to price the whitelist",
        {},
        503,
      );
    const boxes = await this.boxes();
    const config = parseConfigBox(boxes.configBox, boxes.deployment.configNftId);
    if (config.admin !== toErgoTree(admin))
      throw new BridgeError(
        `${admin} is not the Config admin; sign in with the admin's wallet to propose the whitelist`,
        {},
        403,
      );
    const pool = await readOraclePool(chain, oracle);
    const price = { priceNanoErgPerGpuc: config.price, nanoErgPerUsd: pool.nanoErgPerUsd };
    const proposed = proposedWhitelist(registry, config, price, boxes.bankBox);
    const named = (list: readonly StableToken[]) =>
      list.map((entry) => ({
        tokenId: entry.tokenId,
        name: registry.byErgoId(entry.tokenId)?.name ?? null,
        rate: entry.rate.toString(),
      }));
    const unchanged = JSON.stringify(named(proposed)) === JSON.stringify(named(config.whitelist));
    const update = {
      deployment: boxes.deployment,
      configBox: boxes.configBox,
      role: "admin" as const,
      changes: { whitelist: proposed },
    };
    return {
      nanoErgPerUsd: pool.nanoErgPerUsd.toString(),
      priceNanoErgPerGpuc: config.price.toString(),
      current: named(config.whitelist),
      proposed: named(proposed),
      unchanged,
      admin,
      unsignedTx: unchanged
        ? null
        : { ...buildConfigUpdate(update, await this.wallet(admin, { plainErgOnly: true })) },
    };
  }

  private async boxes(): Promise<LetsBoxes & { bankBox: Box<Amount> }> {
    const { chain, deployment } = this.deps;
    const [[configBox], [bankBox]] = await Promise.all([
      chain.unspentByTokenId(deployment.configNftId),
      chain.unspentByTokenId(deployment.bankNftId),
    ]);
    if (!configBox || !bankBox)
      throw new BridgeError("The GPUC Config or Bank box is not on chain yet; retry in a block", {}, 503);
    return { deployment, configBox, bankBox };
  }

  /**
   * `address`'s boxes to pay from. `plainErgOnly` leaves out boxes holding tokens: the admin's wallet may guard an
   * NFT box (the devnet oracle pool) that a fee payment must not sweep into its change.
   */
  private async wallet(address: string, options: { plainErgOnly?: boolean } = {}) {
    const { chain } = this.deps;
    const [boxes, height] = await Promise.all([chain.unspentByAddress(address), chain.height()]);
    const inputs = options.plainErgOnly ? boxes.filter((box) => box.assets.length === 0) : boxes;
    return { inputs, changeAddress: address, height };
  }
}

function amountOf(parse: () => bigint): bigint {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SdkError) throw new BridgeError(error.message, {}, 400);
    throw error;
  }
}
