import type { Command, OptionSpec } from "./command.ts";
import { DEPLOY_DEFAULTS, WHOLE_PARAMS } from "./deploy.params.ts";

const code = () => import("./deploy.run.ts");

const options: OptionSpec = {
  out: { type: "string" },
  force: { type: "boolean" },
  network: { type: "string" },
  confirmations: { type: "string", default: "1" },
  ...Object.fromEntries(
    WHOLE_PARAMS.map(([flag, param]) => [flag, { type: "string", default: String(DEPLOY_DEFAULTS[param]) }]),
  ),
  "min-stake-per-gpu": { type: "string", default: DEPLOY_DEFAULTS.minStakePerGpu },
  price: { type: "string", default: DEPLOY_DEFAULTS.price },
  stable: { type: "string", multiple: true },
  arbiter: { type: "string" },
  treasury: { type: "string" },
  admin: { type: "string" },
};

const d = DEPLOY_DEFAULTS;
export const DEPLOY_USAGE = [
  "gpuc deploy --out <deployment.json> [--force] [--network mainnet|testnet|devnet] [--confirmations 1]",
  `             [--fee-bps ${d.feeBps}] [--blocks-per-hour ${d.blocksPerHour}] [--min-stake-per-gpu <ERG> (${d.minStakePerGpu})]`,
  `             [--unbonding-blocks ${d.unbondingBlocks}] [--collateral-ratio ${d.collateralRatioPct}] [--liquidation-ratio ${d.liquidationRatioPct}]`,
  `             [--liquidation-penalty-bps ${d.liquidationPenaltyBps}] [--swap-fee-bps ${d.swapFeeBps}] [--dispute-grace-blocks ${d.disputeGraceBlocks}]`,
  `             [--price <ERG per GPUC> (${d.price})] [--stable <token id>:<GPUC units per token unit>]...`,
  "             [--arbiter <address>] [--treasury <address>] [--admin <address>]   (each: the wallet's address)",
].join("\n");

export const deployCommand: Command = {
  usage: DEPLOY_USAGE,
  summary:
    "Deploy the GPUC protocol on ERGO_NODE_URL's chain with the wallet's ERG (mints the Config NFT, Bank NFT and GPUC supply, creates the Config and Bank boxes) and write the deployment JSON",
  options,
  run: async (env) => (await code()).deploy(env),
};
