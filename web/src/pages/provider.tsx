import type { CreatedApiKey, MarketplaceClient, Provider } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RequireSession } from "../components/require-session.tsx";
import { Empty, ErrorNote, QueryView } from "../components/status.tsx";
import { formatErg, formatPercent, formatTime } from "../lib/format.ts";

export default function ProviderPage() {
  return (
    <>
      <h1>Provider dashboard</h1>
      <RequireSession why="manage your GPUs">{(client) => <Dashboard client={client} />}</RequireSession>
    </>
  );
}

function Dashboard({ client }: { client: MarketplaceClient }) {
  const providers = useQuery({
    queryKey: ["my-providers"],
    queryFn: ({ signal }) => client.myProviders({ signal }),
    refetchInterval: 10_000,
  });
  return (
    <>
      <QueryView query={providers} what="your providers">
        {(items) =>
          items.length === 0 ? (
            <Empty>This wallet runs no provider yet. Stake ERG and list your GPUs to start earning.</Empty>
          ) : (
            items.map((provider) => <ProviderCard key={provider.id} provider={provider} />)
          )
        }
      </QueryView>
      <ExecutorKey client={client} />
    </>
  );
}

function ProviderCard({ provider }: { provider: Provider }) {
  return (
    <section className="card" aria-label={`Provider ${provider.name}`} data-testid="provider">
      <h2>{provider.name}</h2>
      <dl className="facts">
        <dt>Executor</dt>
        <dd data-testid="executor-online" className={provider.online ? "ok" : "bad"}>
          {provider.online ? "Online" : "Offline"}
        </dd>
        <dt>Last heartbeat</dt>
        <dd>{formatTime(provider.lastHeartbeatAt)}</dd>
        <dt>Reliability</dt>
        <dd>{formatPercent(provider.reliability)}</dd>
        <dt>Stake</dt>
        <dd>
          {formatErg(provider.stakeNanoErg)} {provider.bonded ? "bonded" : "unbonding"}
        </dd>
        <dt>Listed</dt>
        <dd>{provider.listed ? "Yes, searchable" : "No: the stake must be bonded and cover every GPU"}</dd>
        <dt>Region</dt>
        <dd>{provider.region}</dd>
      </dl>
    </section>
  );
}

/** An API key for the executor (provider scope), shown once. */
function ExecutorKey({ client }: { client: MarketplaceClient }) {
  const [created, setCreated] = useState<CreatedApiKey>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setCreated(
        await client.createApiKey({ name: `executor ${new Date().toISOString()}`, scopes: ["provider"] }),
      );
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="key-title">
      <h2 id="key-title">Executor API key</h2>
      <p>The executor signs in with an API key of the provider scope (EXECUTOR_API_KEY).</p>
      <button type="button" onClick={create} disabled={busy}>
        Create an executor key
      </button>
      {created && (
        <div className="notice" role="status">
          <p>Copy it now: it is shown this once.</p>
          <code data-testid="api-key">{created.key}</code>
        </div>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </section>
  );
}
