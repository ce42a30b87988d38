import { readFileSync } from "node:fs";
import { formatErg, type Listing, listingSchema, parseErg, registerProviderRequest } from "@gpuc/sdk";
import { listProvider, stakeProvider, unbondProvider, withdrawProvider } from "../actions/provider.ts";
import { UsageError } from "../core/errors.ts";
import { checkRequest } from "../core/problems.ts";
import { table } from "../core/table.ts";
import { type CommandEnv, optionalString, stringOption } from "./command.ts";
import { session } from "./session.ts";

export async function stake(env: CommandEnv): Promise<void> {
  const nanoErgs = parseErg(stringOption(env, "erg"), "--erg");
  const listing = readListing(env);
  checkRequest(listingSchema, listing, {
    baseUrl: env.config.marketplaceUrl,
    method: "POST",
    path: "/api/v1/listings/hash",
    location: "body",
  });
  const result = await stakeProvider(session(env), { nanoErgs, listing });
  env.output.result(
    result,
    `Stake ${result.stakeBoxId} holds ${formatErg(result.nanoErgs)} for listing ${result.listingHash} (tx ${result.txId})`,
  );
}

export async function list(env: CommandEnv): Promise<void> {
  const name = optionalString(env, "name") ?? "my-rig";
  const listing = readListing(env);
  // The stake box id comes from the chain; the name and listing are checked as the marketplace checks them.
  checkRequest(
    registerProviderRequest.pick({ name: true, listing: true }),
    { name, listing },
    { baseUrl: env.config.marketplaceUrl, method: "POST", path: "/api/v1/providers", location: "body" },
  );
  const gpuc = session(env);
  const provider = await listProvider(gpuc, { name, listing });
  const key =
    env.values["api-key"] === true
      ? await gpuc.market.createApiKey({ name: "executor", scopes: ["provider"] })
      : undefined;
  env.output.result(
    { provider, apiKey: key?.key },
    `Provider ${provider.id} (${provider.listed ? "listed" : "not listed: check the stake covers every GPU"})${key ? `\nexecutor API key (shown once): ${key.key}` : ""}`,
  );
}

export async function status(env: CommandEnv): Promise<void> {
  const gpuc = session(env);
  const [providers, stake] = await Promise.all([
    gpuc.market.myProviders(),
    gpuc.chain.stake(gpuc.wallet.address),
  ]);
  const lines = providers.length
    ? table(
        [{ header: "PROVIDER" }, { header: "NAME" }, { header: "LISTED" }, { header: "EXECUTOR" }],
        providers.map((p) => [
          p.id,
          p.name,
          p.listed ? "listed" : "not listed",
          p.online ? "online" : "offline",
        ]),
      )
    : "No providers (list your GPUs with `gpuc provider list --listing <file>`)";
  const stakeLine = stake
    ? `stake ${stake.boxId}: ${formatErg(stake.value)}, ${stake.unbondingStart === undefined ? "bonded" : `unbonding since height ${stake.unbondingStart}`}`
    : "no stake";
  env.output.result(
    { providers, stake: stake ? { ...stake, box: undefined } : null },
    `${lines}\n${stakeLine}`,
  );
}

export async function unbond(env: CommandEnv): Promise<void> {
  const result = await unbondProvider(session(env));
  env.output.result(result, `Unbonding started in ${result.txId}`);
}

export async function withdraw(env: CommandEnv): Promise<void> {
  const result = await withdrawProvider(session(env));
  env.output.result(result, `Withdrew ${formatErg(result.nanoErgs)} in ${result.txId}`);
}

/** The listing file as JSON; its content is checked against the marketplace's schema by the caller. */
function readListing(env: CommandEnv): Listing {
  const path = stringOption(env, "listing");
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Listing;
  } catch (error) {
    throw new UsageError(
      `Cannot read the listing ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
