import type { BoxKind } from "./index.repository.ts";

/** What the indexer needs from a deployment: the contracts' trees and the GPUC token id. */
export interface IndexedDeployment {
  readonly gpucTokenId: string;
  readonly contracts: {
    readonly config: { readonly ergoTree: string };
    readonly bank: { readonly ergoTree: string };
    readonly creditAccount: { readonly ergoTree: string };
    readonly providerStake: { readonly ergoTree: string };
    readonly rentalEscrow: { readonly ergoTree: string };
  };
}

export interface OutputLike {
  readonly ergoTree: string;
  readonly assets: readonly { readonly tokenId: string; readonly amount: string | number | bigint }[];
}

/**
 * Decides which outputs the index keeps: every box of the project's contracts, and any other box holding GPUC
 * (wallet balances). Everything else on chain is ignored.
 */
export class BoxClassifier {
  readonly #kinds: ReadonlyMap<string, BoxKind>;
  readonly #gpuc: string;

  constructor(deployment: IndexedDeployment) {
    const { contracts } = deployment;
    this.#kinds = new Map<string, BoxKind>([
      [contracts.config.ergoTree.toLowerCase(), "config"],
      [contracts.bank.ergoTree.toLowerCase(), "bank"],
      [contracts.creditAccount.ergoTree.toLowerCase(), "account"],
      [contracts.providerStake.ergoTree.toLowerCase(), "stake"],
      [contracts.rentalEscrow.ergoTree.toLowerCase(), "escrow"],
    ]);
    this.#gpuc = deployment.gpucTokenId.toLowerCase();
  }

  classify(output: OutputLike): { kind: BoxKind; gpuc: bigint } | undefined {
    const gpuc = output.assets
      .filter((asset) => asset.tokenId.toLowerCase() === this.#gpuc)
      .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);
    const kind = this.#kinds.get(output.ergoTree.toLowerCase()) ?? (gpuc > 0n ? "wallet" : undefined);
    return kind && { kind, gpuc };
  }
}
