import {
  formatAmount,
  type MarketplaceClient,
  ProblemError,
  parseAmount,
  type SwapTokens,
  type SwapTx,
} from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { keys, market } from "../../lib/api.ts";
import { formatGpuc, shortId } from "../../lib/format.ts";
import { networkFee } from "../../lib/transactions.ts";
import { useWallet } from "../../wallet/wallet.tsx";
import { RequireSession } from "../require-session.tsx";
import { Empty, ErrorNote, QueryView } from "../status.tsx";
import { TxLink } from "../tx-link.tsx";

/** A whitelisted token as people know it: its name and decimals when the bridge's token map has it. */
interface StableToken {
  readonly tokenId: string;
  readonly rate: string;
  readonly name: string;
  readonly decimals: number;
}

/**
 * The Config's whitelist, named from the Rosen token map when this marketplace runs the bridge (a marketplace
 * without it answers 404 there: the tokens are then shown by id, their amounts in whole token units).
 */
function useStableTokens() {
  return useQuery({
    queryKey: ["swap-tokens"],
    queryFn: async ({ signal }) => {
      const [swap, bridge] = await Promise.all([
        market.swapTokens({ signal }),
        market.bridgeTokens({ signal }).catch(() => undefined),
      ]);
      const named = new Map(bridge?.tokens.map((token) => [token.tokenId, token]));
      const tokens: StableToken[] = swap.tokens.map(({ tokenId, rate }) => ({
        tokenId,
        rate,
        name: named.get(tokenId)?.name ?? shortId(tokenId),
        decimals: named.get(tokenId)?.decimals ?? 0,
      }));
      return { feeBps: swap.feeBps, tokens };
    },
  });
}

/** GPUC for one whole token at the Config's rate, before the swap fee. */
const perToken = (token: StableToken) => formatGpuc(BigInt(token.rate) * 10n ** BigInt(token.decimals));

export function BankSwap() {
  const tokens = useStableTokens();
  return (
    <div className="credit">
      <QueryView query={tokens} what="the Bank's swap tokens">
        {(data) =>
          data.tokens.length === 0 ? (
            <Empty>This deployment's Bank swaps no tokens yet.</Empty>
          ) : (
            <>
              <SwapRates tokens={data.tokens} feeBps={data.feeBps} />
              <RequireSession why="swap tokens into GPUC">
                {(client, address) => <SwapForm client={client} address={address} tokens={data.tokens} />}
              </RequireSession>
            </>
          )
        }
      </QueryView>
    </div>
  );
}

function SwapRates({ tokens, feeBps }: { tokens: readonly StableToken[]; feeBps: SwapTokens["feeBps"] }) {
  return (
    <div className="table-wrap">
      <table data-testid="swap-tokens">
        <caption className="muted">Swap fee {(feeBps / 100).toFixed(2)} %</caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col" className="num">
              GPUC per token
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.tokenId}>
              <td>
                <span title={token.tokenId}>{token.name}</span>
              </td>
              <td className="num">{perToken(token)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Step =
  | { readonly kind: "form" }
  | { readonly kind: "building" }
  | { readonly kind: "review"; readonly built: SwapTx }
  | { readonly kind: "signing"; readonly built: SwapTx }
  | { readonly kind: "submitting"; readonly built: SwapTx };

const PROGRESS: Readonly<Record<Step["kind"], string>> = {
  form: "",
  building: "Building the swap…",
  review: "",
  signing: "Sign the swap in Nautilus.",
  submitting: "Submitting the signed swap…",
};

function SwapForm({
  client,
  address,
  tokens,
}: {
  client: MarketplaceClient;
  address: string;
  tokens: readonly StableToken[];
}) {
  const wallet = useWallet();
  const queries = useQueryClient();
  const [tokenId, setTokenId] = useState(tokens[0]!.tokenId);
  const [text, setText] = useState("");
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [error, setError] = useState<unknown>();
  const [txId, setTxId] = useState<string>();
  const token = tokens.find((candidate) => candidate.tokenId === tokenId) ?? tokens[0]!;

  const review = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    setTxId(undefined);
    try {
      const amount = parseAmount(text, token.decimals, `The ${token.name} amount`);
      setStep({ kind: "building" });
      setStep({
        kind: "review",
        built: await client.swapTx({ tokenId: token.tokenId, amount: String(amount) }),
      });
    } catch (problem) {
      setError(problem);
      setStep({ kind: "form" });
    }
  };

  const sign = async () => {
    if (step.kind !== "review") return;
    const { built } = step;
    try {
      setStep({ kind: "signing", built });
      // Submitted only once signed: a declined signature leaves the tokens in the wallet.
      const signed = await wallet.sign(built.unsignedTx as UnsignedTransaction, "the swap");
      setStep({ kind: "submitting", built });
      setTxId((await client.submitTransaction(signed)).txId);
      setText("");
      void queries.invalidateQueries({ queryKey: keys.balances(address) });
    } catch (problem) {
      setError(problem);
    }
    setStep({ kind: "form" });
  };

  const busy = step.kind === "building" || step.kind === "signing" || step.kind === "submitting";
  return (
    <form className="form" onSubmit={review} aria-label="Bank swap">
      <div className="row">
        <label>
          Token
          <select value={tokenId} disabled={busy} onChange={(event) => setTokenId(event.target.value)}>
            {tokens.map((option) => (
              <option key={option.tokenId} value={option.tokenId}>
                {option.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount ({token.decimals ? token.name : `whole units of ${token.name}`})
          <input
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            required
            value={text}
            disabled={busy}
            onChange={(event) => {
              setText(event.target.value);
              if (step.kind === "review") setStep({ kind: "form" });
            }}
          />
        </label>
        <button type="submit" className="secondary" disabled={busy || step.kind === "review"}>
          Review
        </button>
      </div>
      {step.kind !== "form" && step.kind !== "building" && (
        <SwapReview built={step.built} token={token} ready={step.kind === "review"} onSign={sign} />
      )}
      <p role="status" aria-live="polite" className="muted">
        {PROGRESS[step.kind]}
      </p>
      {txId && <SwapDone txId={txId} />}
      {error !== undefined && <SwapError error={error} />}
    </form>
  );
}

function SwapReview({
  built,
  token,
  ready,
  onSign,
}: {
  built: SwapTx;
  token: StableToken;
  ready: boolean;
  onSign: () => void;
}) {
  return (
    <section className="card" aria-label="Review the swap" data-testid="swap-preview">
      <dl className="facts">
        <dt>You pay</dt>
        <dd>
          {formatAmount(built.preview.paid, token.decimals)} {token.name}
        </dd>
        <dt>You receive</dt>
        <dd>
          <strong>{formatGpuc(built.preview.gpuc)}</strong> (after the swap fee)
        </dd>
        <dt>Network fee</dt>
        <dd>{networkFee(built.unsignedTx) ?? "—"}</dd>
      </dl>
      {ready && (
        <button type="button" onClick={onSign}>
          Sign the swap in Nautilus
        </button>
      )}
    </section>
  );
}

function SwapDone({ txId }: { txId: string }) {
  const { network } = useWallet();
  return (
    <p className="notice" role="status">
      Swap submitted: the GPUC reaches your wallet once transaction <TxLink txId={txId} network={network} />{" "}
      confirms.
    </p>
  );
}

/** A marketplace without a node to build on answers 503: say what that means here. */
function SwapError({ error }: { error: unknown }) {
  if (error instanceof ProblemError && error.status === 503)
    return (
      <ErrorNote error={new Error("The marketplace cannot build swaps right now (no node); try later.")} />
    );
  return <ErrorNote error={error} />;
}
