import type { IndexStore } from "@gpuc/indexer";
import { buildSwapIn, swapInQuote } from "@gpuc/offchain";
import type { SwapTokens, SwapTx } from "@gpuc/sdk";
import type { Principal } from "../core/route.ts";
import { indexedConfig } from "./indexed-config.ts";
import { built, connected, type ProtocolReader } from "./protocol-node.ts";

/** The Bank swap of whitelisted stable tokens into GPUC, as a wallet transaction. */
export class SwapService {
  constructor(
    private readonly index: Pick<IndexStore, "unspentByKind">,
    private readonly reader: ProtocolReader | undefined,
  ) {}

  /** The whitelist as confirmed on chain. */
  async tokens(): Promise<SwapTokens> {
    const config = await indexedConfig(this.index);
    return {
      feeBps: config.swapFeeBps,
      tokens: config.whitelist.map((token) => ({ tokenId: token.tokenId, rate: token.rate.toString() })),
    };
  }

  /** Pays `amount` units of `tokenId` into the Bank's reserve for GPUC (the builder refuses a token not whitelisted). */
  async swapIn(principal: Principal, tokenId: string, amount: bigint): Promise<SwapTx> {
    const reader = connected(this.reader);
    const { deployment } = reader;
    const [configBox, bankBox, config, wallet] = await Promise.all([
      reader.configBox(),
      reader.bankBox(),
      reader.config(),
      reader.wallet(principal.address),
    ]);
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildSwapIn({ deployment, configBox, bankBox, tokenId, amount }, wallet),
    );
    const gpuc = swapInQuote(config, tokenId, amount);
    return {
      unsignedTx: { ...unsignedTx },
      preview: { tokenId, paid: amount.toString(), gpuc: gpuc.toString() },
    };
  }
}
