import { type BridgeToken, formatGpuc, type WithdrawQuote } from "@gpuc/sdk";
import type { UnsignedTx } from "../core/chain.ts";
import { UsageError } from "../core/errors.ts";
import { keyValues, table } from "../core/table.ts";
import { type CommandEnv, optionalString, stringOption } from "./command.ts";
import { session } from "./session.ts";

export async function tokens(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const list = await market.bridgeTokens();
  const rows = list.tokens.map((token) => [
    token.name,
    token.originChain,
    String(token.decimals),
    token.swappable ? `yes (${token.rate} GPUC units per unit)` : "no",
    token.reason ?? "",
  ]);
  const columns = [
    { header: "TOKEN" },
    { header: "FROM" },
    { header: "DEC" },
    { header: "SWAP" },
    { header: "WHY NOT" },
  ];
  output.result(list, `Rosen token map ${list.mapVersion} (${list.network})\n${table(columns, rows)}`);
}

export async function bridgeIn(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const guide = await market.bridgeIn();
  const lines = guide.chains.flatMap(({ chain, routes }) =>
    routes.map(
      (route) =>
        `  ${chain}: lock ${route.lock.name} → receive ${route.receive.name}${route.receive.swappable ? " (swaps into GPUC)" : ""}`,
    ),
  );
  output.result(
    guide,
    [`In Rosen's app (${guide.rosenAppUrl}) name this Ergo address: ${guide.toAddress}`, ...lines].join("\n"),
  );
}

export async function deposits(env: CommandEnv): Promise<void> {
  const { market, output } = session(env);
  const page = await market.bridgeDeposits({ limit: 200 });
  const rows = page.items.map((deposit) => [
    deposit.txId.slice(0, 16),
    `${deposit.amount} ${deposit.tokenName}`,
    String(deposit.confirmations),
    deposit.confirmed ? "confirmed" : "confirming",
  ]);
  const columns = [
    { header: "TX" },
    { header: "AMOUNT", align: "right" as const },
    { header: "CONF" },
    { header: "STATE" },
  ];
  output.result(page, rows.length ? table(columns, rows) : "No bridged deposits yet (see: gpuc bridge in).");
}

export async function swap(env: CommandEnv): Promise<void> {
  const { market, chain, wallet, output } = session(env);
  const quote = await market.bridgeSwap({
    token: stringOption(env, "token"),
    amount: stringOption(env, "amount"),
  });
  const text = `Swap ${env.values.amount} ${quote.tokenName} → ${quote.gpuc} (rate ${quote.rate} GPUC units per unit)`;
  if (env.values["dry-run"] === true)
    return output.result(
      quote,
      `${text}\nUnsigned transaction:\n${JSON.stringify(quote.unsignedTx, null, 2)}`,
    );
  const txId = await chain.submit(wallet.signer, quote.unsignedTx as UnsignedTx, "Swap");
  output.result({ ...quote, txId }, `${text}\nDone: ${txId}`);
}

export async function withdraw(env: CommandEnv): Promise<void> {
  const { market, chain, wallet, output } = session(env);
  const toChain = stringOption(env, "to-chain");
  const token = optionalString(env, "token") ?? (await defaultStable(env, toChain));
  const quote = await market.bridgeWithdrawQuote({
    gpuc: stringOption(env, "amount"),
    token,
    toChain,
    toAddress: stringOption(env, "to"),
    ...fees(env),
  });
  const text = quoteText(quote);
  if (env.values["dry-run"] === true)
    return output.result(
      quote,
      `${text}\nUnsigned transaction:\n${JSON.stringify(quote.unsignedTx, null, 2)}`,
    );
  const txId = await chain.submit(wallet.signer, quote.unsignedTx as UnsignedTx, "Withdrawal");
  output.result(
    { ...quote, txId },
    `${text}\nLocked: ${txId} (Rosen's guards pay it out on ${quote.toChain})`,
  );
}

/** The first swappable stable of the map that reaches `toChain`. */
async function defaultStable(env: CommandEnv, toChain: string): Promise<string> {
  const { market } = session(env);
  const found = (await market.bridgeTokens()).tokens.find(
    (token: BridgeToken) => token.swappable && token.chains.includes(toChain),
  );
  if (!found)
    throw new UsageError(`No whitelisted stable reaches ${toChain}; see gpuc bridge tokens, or pass --token`);
  return found.name;
}

function fees(env: CommandEnv): { bridgeFee?: string; networkFee?: string } {
  const bridgeFee = optionalString(env, "bridge-fee");
  const networkFee = optionalString(env, "network-fee");
  return { ...(bridgeFee ? { bridgeFee } : {}), ...(networkFee ? { networkFee } : {}) };
}

function quoteText(quote: WithdrawQuote): string {
  const show = (value: { amount: string; token: string }) => `${value.amount} ${value.token}`;
  return keyValues([
    ["GPUC in", formatGpuc(quote.gpucUnits)],
    ["swapped out", show(quote.swappedOut)],
    ["locked", show(quote.locked)],
    ["bridge fee", show(quote.bridgeFee)],
    ["network fee", show(quote.networkFee)],
    ["arrives", `${show(quote.arrives)} on ${quote.toChain} at ${quote.toAddress}`],
  ]);
}

export async function whitelist(env: CommandEnv): Promise<void> {
  const { market, chain, wallet, output } = session(env);
  const proposal = await market.bridgeWhitelistProposal();
  const list = (entries: typeof proposal.proposed) =>
    entries.map((entry) => `${entry.name ?? entry.tokenId} ${entry.rate}`).join(", ") || "(none)";
  const text = `Whitelist now: ${list(proposal.current)}\nProposed:      ${list(proposal.proposed)} (GPUC units per token unit)`;
  if (proposal.unchanged || !proposal.unsignedTx)
    return output.result(proposal, `${text}\nNothing to change.`);
  if (env.values["dry-run"] === true)
    return output.result(
      proposal,
      `${text}\nUnsigned transaction:\n${JSON.stringify(proposal.unsignedTx, null, 2)}`,
    );
  const txId = await chain.submit(wallet.signer, proposal.unsignedTx as UnsignedTx, "Config update");
  output.result({ ...proposal, txId }, `${text}\nSet: ${txId}`);
}
