import { type BoxRule, byErgoTree, holdingToken } from "@gpuc/indexer";

/** What the marketplace's index keeps of a deployment: the contracts' trees and the GPUC token id. */
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

/**
 * The boxes the marketplace follows: every box of the project's contracts, by kind, and — last, since contract
 * boxes hold GPUC too — any other box holding GPUC (wallet balances). Everything else on chain is ignored.
 */
export function marketplaceRules(deployment: IndexedDeployment): BoxRule[] {
  const { contracts } = deployment;
  return [
    byErgoTree("config", contracts.config.ergoTree),
    byErgoTree("bank", contracts.bank.ergoTree),
    byErgoTree("account", contracts.creditAccount.ergoTree),
    byErgoTree("stake", contracts.providerStake.ergoTree),
    byErgoTree("escrow", contracts.rentalEscrow.ergoTree),
    holdingToken("wallet", deployment.gpucTokenId),
  ];
}
