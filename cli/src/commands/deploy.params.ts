// The parameters of `gpuc deploy`, shared by its option table (deploy.ts) and its code (deploy.run.ts).

/**
 * The protocol parameters' defaults as the help shows them: @gpuc/offchain's DEFAULT_PARAMS, written out so that
 * `gpuc --help` need not load offchain (deploy.spec.ts checks they agree). ERG amounts as typed on the command line.
 */
export const DEPLOY_DEFAULTS = {
  feeBps: 200,
  blocksPerHour: 30,
  minStakePerGpu: "100",
  unbondingBlocks: 720,
  collateralRatioPct: 150,
  liquidationRatioPct: 120,
  swapFeeBps: 30,
  disputeGraceBlocks: 720,
  liquidationPenaltyBps: 500,
  /** ERG per GPUC: 1 GPUC = 1 ERG unless `--price` says otherwise (the price the devnet of `npm start` uses). */
  price: "1",
} as const;

/** The whole-number protocol parameters: flag, parameter, smallest and largest allowed value. */
export const WHOLE_PARAMS = [
  ["fee-bps", "feeBps", 0, 10_000],
  ["blocks-per-hour", "blocksPerHour", 1, 1_000_000],
  ["unbonding-blocks", "unbondingBlocks", 0, 10_000_000],
  ["collateral-ratio", "collateralRatioPct", 100, 100_000],
  ["liquidation-ratio", "liquidationRatioPct", 100, 100_000],
  ["swap-fee-bps", "swapFeeBps", 0, 10_000],
  ["dispute-grace-blocks", "disputeGraceBlocks", 0, 10_000_000],
  ["liquidation-penalty-bps", "liquidationPenaltyBps", 0, 10_000],
] as const;
