import type { MarketplaceClient, WithdrawQuote } from "@gpuc/sdk";
import { ProblemError } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type SignedActionApi, useSignedAction } from "../../wallet/signed-action.ts";
import { ErrorNote } from "../status.tsx";

/**
 * Earnings out to another chain in one transaction: the Bank swaps the GPUC out for a whitelisted stable and a
 * Rosen lock box holds it for the guards. The quote (what is swapped, the bridge and network fees, what arrives)
 * is shown before the wallet signs.
 */
export function BridgeWithdraw({ client }: { client: MarketplaceClient }) {
  const tokens = useQuery({
    queryKey: ["bridge-tokens"],
    queryFn: ({ signal }) => client.bridgeTokens({ signal }),
    retry: false,
  });
  const action = useSignedAction(client);
  const [quote, setQuote] = useState<WithdrawQuote>();
  const [error, setError] = useState<unknown>();
  const [token, setToken] = useState<string>();
  if (tokens.error instanceof ProblemError && tokens.error.status === 404) return null;
  const stables = (tokens.data?.tokens ?? []).filter((item) => item.swappable && item.chains.length > 0);
  const chosen = stables.find((item) => item.name === token) ?? stables[0];

  const ask = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(undefined);
    setQuote(undefined);
    try {
      setQuote(
        await client.bridgeWithdrawQuote({
          gpuc: String(form.get("gpuc") ?? "").trim(),
          token: String(form.get("token") ?? ""),
          toChain: String(form.get("toChain") ?? ""),
          toAddress: String(form.get("toAddress") ?? "").trim(),
        }),
      );
    } catch (problem) {
      setError(problem);
    }
  };

  return (
    <section aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">Withdraw earnings to another chain</h2>
      {stables.length === 0 ? (
        <p className="muted">No whitelisted stable reaches another chain yet.</p>
      ) : (
        <form className="filters" onSubmit={ask} aria-label="Withdraw to another chain">
          <label>
            GPUC to withdraw
            <input name="gpuc" inputMode="decimal" required placeholder="20" />
          </label>
          <label>
            As
            <select name="token" value={chosen?.name} onChange={(event) => setToken(event.target.value)}>
              {stables.map((item) => (
                <option key={item.tokenId}>{item.name}</option>
              ))}
            </select>
          </label>
          <label>
            To chain
            <select name="toChain">
              {chosen?.chains.map((chain) => (
                <option key={chain}>{chain}</option>
              ))}
            </select>
          </label>
          <label>
            To address
            <input name="toAddress" required placeholder="0x…" />
          </label>
          <button type="submit" disabled={action.busy !== undefined}>
            Get a quote
          </button>
        </form>
      )}
      {error !== undefined && <ErrorNote error={error} />}
      {quote && <QuoteView quote={quote} action={action} />}
    </section>
  );
}

function QuoteView({ quote, action }: { quote: WithdrawQuote; action: SignedActionApi }) {
  const amount = (item: WithdrawQuote["locked"]) => `${item.amount} ${item.token}`;
  return (
    <div className="card" data-testid="withdraw-quote">
      <dl className="facts">
        <dt>The Bank pays</dt>
        <dd>{amount(quote.swappedOut)}</dd>
        <dt>Locked for Rosen</dt>
        <dd>{amount(quote.locked)}</dd>
        <dt>Bridge fee</dt>
        <dd>{amount(quote.bridgeFee)}</dd>
        <dt>Network fee</dt>
        <dd>{amount(quote.networkFee)}</dd>
        <dt>Arrives on {quote.toChain}</dt>
        <dd>
          <strong>{amount(quote.arrives)}</strong> at <code>{quote.toAddress}</code>
        </dd>
      </dl>
      <button
        type="button"
        disabled={action.busy !== undefined}
        onClick={() =>
          action.run("withdraw", {
            what: "the withdrawal",
            build: async () => quote.unsignedTx,
            after: async (txId) =>
              `Locked ${amount(quote.locked)} for Rosen's guards (transaction ${txId.slice(0, 12)}…); ${amount(quote.arrives)} arrives on ${quote.toChain}.`,
          })
        }
      >
        Sign and withdraw
      </button>
      {action.progress && <p role="status">{action.progress}</p>}
      {action.done && (
        <p className="notice" role="status" data-testid="withdraw-done">
          {action.done}
        </p>
      )}
      {action.error !== undefined && <ErrorNote error={action.error} />}
    </div>
  );
}
