import { readFileSync } from "node:fs";
import { formatErg, type Listing, parseErg } from "@gpuc/sdk";
import { listProvider, stakeProvider, unbondProvider, withdrawProvider } from "../actions/provider.ts";
import { UsageError } from "../core/errors.ts";
import { type Command, type CommandEnv, optionalString, stringOption } from "./command.ts";

export const providerCommands: Record<string, Command> = {
  stake: {
    usage: "gpuc provider stake --erg <amount> --listing <listing.json>",
    summary:
      "Stake ERG behind a GPU listing (creates the stake box, or tops it up and points it at the listing)",
    options: { erg: { type: "string" }, listing: { type: "string" } },
    async run(env) {
      const nanoErgs = parseErg(stringOption(env, "erg", this.usage), "--erg");
      const result = await stakeProvider(env.session(), { nanoErgs, listing: readListing(env, this.usage) });
      env.output.result(
        result,
        `Stake ${result.stakeBoxId} holds ${formatErg(result.nanoErgs)} for listing ${result.listingHash} (tx ${result.txId})`,
      );
    },
  },
  list: {
    usage: "gpuc provider list --listing <listing.json> [--name <name>] [--api-key]",
    summary: "List the staked GPUs on the marketplace; --api-key also prints a provider key for the executor",
    options: { listing: { type: "string" }, name: { type: "string" }, "api-key": { type: "boolean" } },
    async run(env) {
      const session = env.session();
      const provider = await listProvider(session, {
        name: optionalString(env, "name") ?? "my-rig",
        listing: readListing(env, this.usage),
      });
      const key =
        env.values["api-key"] === true
          ? await session.market.createApiKey({ name: "executor", scopes: ["provider"] })
          : undefined;
      env.output.result(
        { provider, apiKey: key?.key },
        `Provider ${provider.id} (${provider.listed ? "listed" : "not listed: check the stake covers every GPU"})${key ? `\nexecutor API key (shown once): ${key.key}` : ""}`,
      );
    },
  },
  status: {
    usage: "gpuc provider status",
    summary: "Your providers and their stake",
    async run(env) {
      const session = env.session();
      const [providers, stake] = await Promise.all([
        session.market.myProviders(),
        session.chain.stake(session.wallet.address),
      ]);
      const lines = providers.map(
        (p) =>
          `${p.id}  ${p.name}  ${p.listed ? "listed" : "not listed"}  ${p.online ? "online" : "offline"}`,
      );
      const stakeLine = stake
        ? `stake ${stake.boxId}: ${formatErg(stake.value)}, ${stake.unbondingStart === undefined ? "bonded" : `unbonding since ${stake.unbondingStart}`}`
        : "no stake";
      env.output.result(
        { providers, stake: stake ? { ...stake, box: undefined } : null },
        [...lines, stakeLine].join("\n"),
      );
    },
  },
  unbond: {
    usage: "gpuc provider unbond",
    summary: "Start unbonding the stake (its GPUs are no longer listed)",
    async run(env) {
      const result = await unbondProvider(env.session());
      env.output.result(result, `Unbonding started in ${result.txId}`);
    },
  },
  withdraw: {
    usage: "gpuc provider withdraw",
    summary: "Withdraw the stake once unbonding has finished",
    async run(env) {
      const result = await withdrawProvider(env.session());
      env.output.result(result, `Withdrew ${formatErg(result.nanoErgs)} in ${result.txId}`);
    },
  },
};

function readListing(env: CommandEnv, usage: string): Listing {
  const path = stringOption(env, "listing", usage);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Listing;
  } catch (error) {
    throw new UsageError(
      `Cannot read the listing ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
