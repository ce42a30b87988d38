import type { Amount, Box } from "@fleet-sdk/common";
import {
  ErgoAddress,
  OutputBuilder,
  RECOMMENDED_MIN_FEE_VALUE,
  SAFE_MIN_BOX_VALUE,
  TransactionBuilder,
} from "@fleet-sdk/core";
import { SByte, SColl, SInt } from "@fleet-sdk/serializer";
import { buildMintTx, type ChainClient, type Signer } from "@gpuc/offchain";
import type { MinimumFeeConfig } from "@rosen-bridge/minimum-fee";
import { compileLockContract, type LockContract } from "../lock/lockContract.ts";
import { parseTokenMapFile, type TokenMapFile } from "../tokens/tokenMapFile.ts";

/** Supply of each devnet bridged token, in its smallest unit: held by the devnet guard wallet (the faucet). */
const SUPPLY = 10n ** 18n;

/** Minimum fees of the devnet min-fee boxes, in each token's wrapped units (per decimals 6: 1 USDT + 0.5 USDT). */
export interface DevnetFees {
  readonly bridgeFee: (decimals: number) => bigint;
  readonly networkFee: (decimals: number) => bigint;
  /** Variable bridge fee, per 10,000 (Rosen's FEE_RATIO_DIVISOR). */
  readonly feeRatio: bigint;
}

export const DEVNET_FEES: DevnetFees = {
  bridgeFee: (decimals) => 10n ** BigInt(decimals),
  networkFee: (decimals) => 10n ** BigInt(decimals) / 2n,
  feeRatio: 50n,
};

/** What the devnet's Rosen deployment is: what the adapter needs to run on it, written to `rosen.json`. */
export interface RosenDevnetDeployment {
  readonly guardNftId: string;
  readonly minFeeNftId: string;
  readonly lock: LockContract;
  /** The devnet token map: the template's placeholders replaced by the minted ids. */
  readonly tokenMap: TokenMapFile;
  /** The devnet guard wallet: it holds every minted supply and pays deposits (the faucet). */
  readonly guardAddress: string;
  readonly createdAtHeight: number;
}

export interface DeployRosenOptions {
  readonly chain: ChainClient;
  /** The devnet guard: pays for the deployment, receives every supply, signs faucet payments. */
  readonly guard: Signer;
  /** The token map template (`token-maps/devnet.template.json`): `devnet:<NAME>` ids are minted. */
  readonly template: unknown;
  /**
   * Who guards the min-fee config boxes (Rosen's fee admin): not the guard, whose wallet pays deposits and would
   * spend them (each holds one unit of its token).
   */
  readonly minFeeOwner: string;
  readonly fees?: DevnetFees;
  /** Resolves once a submitted transaction is in a block. */
  readonly confirm: (txId: string) => Promise<void>;
}

/**
 * Deploys Rosen's Ergo side on a devnet with Rosen's own layouts: a GuardNFT in a guard box (R4 the guard keys,
 * R5 the signatures a payment needs), `Lock.es` compiled with it, every `devnet:` token of the template
 * minted, and one min-fee config box per token built by `@rosen-bridge/minimum-fee`'s `MinimumFeeBoxBuilder`
 * (MinFeeNFT + 1 of the token, R4–R9 Rosen's registers). Returns the devnet token map.
 */
export async function deployRosenDevnet(options: DeployRosenOptions): Promise<RosenDevnetDeployment> {
  const { chain, guard } = options;
  const mint = async (name: string, amount: bigint, decimals: number, registers?: Record<string, string>) => {
    const inputs = await chain.unspentByAddress(guard.address);
    const height = await chain.height();
    const request = { inputs, height, recipient: guard.address, changeAddress: guard.address };
    const { tokenId, tx } = registers
      ? guardBoxMint(inputs, height, guard.address, registers)
      : buildMintTx({
          ...request,
          amount,
          name,
          description: `GPUC devnet ${name} (Rosen Bridge)`,
          decimals,
        });
    await options.confirm(await chain.submit(await guard.sign(tx, chain)));
    return tokenId;
  };
  const guardNftId = await mint("GuardNFT", 1n, 0, guardRegisters(guard));
  const minFeeNftId = await mint("MinFeeNFT", 1_000n, 0);
  const tokenMap = await mintTemplateTokens(options.template, (name, decimals) =>
    mint(name, SUPPLY, decimals),
  );
  await createMinFeeBoxes(options, minFeeNftId, tokenMap);
  return {
    guardNftId,
    minFeeNftId,
    lock: compileLockContract(guardNftId, "testnet"),
    tokenMap,
    guardAddress: guard.address,
    createdAtHeight: await chain.height(),
  };
}

/** The guard box Lock.es reads: R4 the guards' public keys, R5 `[payment signatures needed]`. */
function guardRegisters(guard: Signer): Record<string, string> {
  const [publicKey] = ErgoAddress.decode(guard.address).getPublicKeys();
  return {
    R4: SColl(SColl(SByte), [publicKey!]).toHex(),
    R5: SColl(SInt, [1]).toHex(),
  };
}

function guardBoxMint(
  inputs: readonly Box<Amount>[],
  height: number,
  address: string,
  registers: Record<string, string>,
) {
  const output = new OutputBuilder(SAFE_MIN_BOX_VALUE, address)
    .mintToken({ amount: 1n, name: "GuardNFT", description: "GPUC devnet Rosen GuardNFT", decimals: 0 })
    .setAdditionalRegisters(registers);
  const unsigned = new TransactionBuilder(height)
    .from([...inputs])
    .to(output)
    .sendChangeTo(address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build();
  return { tokenId: unsigned.inputs[0]!.boxId, tx: unsigned.toEIP12Object() };
}

async function mintTemplateTokens(
  template: unknown,
  mint: (name: string, decimals: number) => Promise<string>,
): Promise<TokenMapFile> {
  const ids = new Map<string, string>();
  const text = JSON.stringify(template);
  for (const [, name] of text.matchAll(/"devnet:([^"]+)"/g)) {
    if (ids.has(name!)) continue;
    const decimals = decimalsOf(template, name!);
    ids.set(name!, await mint(name!, decimals));
  }
  const replaced = text.replace(/"devnet:([^"]+)"/g, (_, name: string) => JSON.stringify(ids.get(name)));
  return parseTokenMapFile(JSON.parse(replaced), "devnet token map");
}

function decimalsOf(template: unknown, name: string): number {
  const sets = (template as { tokens?: { ergo?: { tokenId: string; decimals: number } }[] }).tokens ?? [];
  return sets.find((set) => set.ergo?.tokenId === `devnet:${name}`)?.ergo?.decimals ?? 0;
}

/** One min-fee config box per Ergo token of the map (and ERG), each config active from height 0 for every chain. */
async function createMinFeeBoxes(options: DeployRosenOptions, minFeeNftId: string, map: TokenMapFile) {
  const { chain, guard } = options;
  const fees = options.fees ?? DEVNET_FEES;
  const height = await chain.height();
  const rosen = await import("@rosen-bridge/minimum-fee");
  const outputs = map.tokens
    .filter((set) => set.ergo !== undefined)
    .map((set) => {
      const significant = Math.min(...Object.values(set).map((entry) => entry.decimals));
      const config = new rosen.MinimumFeeConfig();
      for (const chainName of Object.keys(set))
        config.setChainConfig(chainName, 0, {
          bridgeFee: fees.bridgeFee(significant),
          networkFee: fees.networkFee(significant),
          rsnRatio: 0n,
          rsnRatioDivisor: 1n,
          feeRatio: fees.feeRatio,
        });
      return minFeeOutput(rosen, minFeeNftId, set.ergo!.tokenId, options.minFeeOwner, height, config);
    });
  const unsigned = new TransactionBuilder(height)
    .from(await chain.unspentByAddress(guard.address))
    .to(outputs)
    .sendChangeTo(guard.address)
    .payFee(RECOMMENDED_MIN_FEE_VALUE)
    .build()
    .toEIP12Object();
  await options.confirm(await chain.submit(await guard.sign(unsigned, chain)));
}

/** Rosen's own builder writes the box; its registers and tokens are copied into a Fleet output as they are. */
function minFeeOutput(
  rosen: typeof import("@rosen-bridge/minimum-fee"),
  nft: string,
  tokenId: string,
  address: string,
  height: number,
  config: MinimumFeeConfig,
) {
  const candidate = new rosen.MinimumFeeBoxBuilder(nft, address)
    .addConfig(config)
    .setValue(SAFE_MIN_BOX_VALUE)
    .setHeight(height)
    .setToken(tokenId)
    .build();
  const registers: Record<string, string> = {};
  for (const index of [4, 5, 6, 7, 8, 9])
    registers[`R${index}`] = candidate.register_value(index)!.encode_to_base16();
  const tokens = candidate.tokens();
  const assets = Array.from({ length: tokens.len() }, (_, i) => ({
    tokenId: tokens.get(i).id().to_str(),
    amount: BigInt(tokens.get(i).amount().as_i64().to_str()),
  }));
  return new OutputBuilder(SAFE_MIN_BOX_VALUE, address, height)
    .addTokens(assets)
    .setAdditionalRegisters(registers);
}
