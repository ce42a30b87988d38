/** The token ids a deployment mints; every contract is compiled with them as named constants. */
export interface DeploymentIds {
  /** Config NFT: marks the one genuine Config box. */
  readonly configNftId: string;
  /** Bank NFT: marks the one genuine Bank box. */
  readonly bankNftId: string;
  /** The GPUC token (6 decimals). */
  readonly gpucTokenId: string;
}
