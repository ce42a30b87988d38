import type { Command } from "./command.ts";

const code = () => import("./devnet.run.ts");

/** Commands for the devnet of `npm start` only (they sign with its keys in GPUC_DATA_DIR). */
export const devnetCommands: Record<string, Command> = {
  "oracle-rate": {
    usage: "gpuc devnet oracle-rate [<USD per ERG, e.g. 0.65>]",
    summary:
      "Post a new ERG/USD rate to the devnet's oracle pool (signed with <GPUC_DATA_DIR>/wallets/admin.json); without a rate, show the current one",
    run: async (env) => (await code()).oracleRate(env),
  },
};
