import {
  type CreatedApiKey,
  type Listing,
  type MarketplaceClient,
  ProblemError,
  type Provider,
  parseErg,
  parseGpuc,
} from "@gpuc/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { BridgeWithdraw } from "../components/bridge/withdraw.tsx";
import { TimeChart } from "../components/chart.tsx";
import { ReputationTable } from "../components/reputation-table.tsx";
import { RequireSession } from "../components/require-session.tsx";
import { Empty, ErrorNote, QueryView } from "../components/status.tsx";
import { TxLink } from "../components/tx-link.tsx";
import { UptimeTable } from "../components/uptime-table.tsx";
import { formatErg, formatGpuc, formatPercent, formatTime } from "../lib/format.ts";
import { type SignedActionApi, useSignedAction, waitFor } from "../wallet/signed-action.ts";
import { useWallet } from "../wallet/wallet.tsx";

export default function ProviderPage() {
  return (
    <>
      <h1>Provider dashboard</h1>
      <RequireSession why="manage your GPUs">{(client) => <Dashboard client={client} />}</RequireSession>
    </>
  );
}

/** A 404 is "not there yet" (undefined) while waiting; any other refusal ends the wait. */
function unlessNotFound(error: unknown): undefined {
  if (error instanceof ProblemError && error.status === 404) return undefined;
  throw error;
}

/** The caller's own stake; a 404 (none yet) is `null`, not an error. */
function useOwnStake(client: MarketplaceClient) {
  return useQuery({
    queryKey: ["own-stake"],
    queryFn: ({ signal }) =>
      client.ownStake({ signal }).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return null;
        throw error;
      }),
    refetchInterval: 10_000,
  });
}

function Dashboard({ client }: { client: MarketplaceClient }) {
  const providers = useQuery({
    queryKey: ["my-providers"],
    queryFn: ({ signal }) => client.myProviders({ signal }),
    refetchInterval: 10_000,
  });
  const stake = useOwnStake(client);
  const action = useSignedAction(client);
  const provider = providers.data?.[0];
  return (
    <>
      <section aria-labelledby="stake-title">
        <h2 id="stake-title">Stake</h2>
        <QueryView query={stake} what="your stake">
          {(own) =>
            own === null ? (
              <Empty>No stake yet: list your GPUs below and the page stakes the ERG they need.</Empty>
            ) : (
              <StakeView client={client} action={action} stake={own} />
            )
          }
        </QueryView>
      </section>
      <section aria-labelledby="listing-title">
        <h2 id="listing-title">{provider ? "Your GPUs" : "List your GPUs"}</h2>
        <ListingForm client={client} action={action} provider={provider} hasStake={Boolean(stake.data)} />
      </section>
      <ActionStatus action={action} />
      {providers.error !== null && <ErrorNote error={providers.error} />}
      {provider && <ProviderView client={client} provider={provider} />}
      <BridgeWithdraw client={client} />
      <ExecutorKey client={client} />
    </>
  );
}

type OwnStake = NonNullable<Awaited<ReturnType<MarketplaceClient["ownStake"]>>>;

function StakeView({
  client,
  action,
  stake,
}: {
  client: MarketplaceClient;
  action: SignedActionApi;
  stake: OwnStake;
}) {
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ["own-stake"] });
  const topUp = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const amount = parseErg(String(new FormData(event.currentTarget).get("amount")), "The top-up");
    void action.run("top-up", {
      what: "the stake top-up",
      build: async () => (await client.topUpStakeTx({ amount: String(amount) })).unsignedTx,
      after: async (txId) => {
        await refresh();
        return `Added ${formatErg(amount)} to your stake (transaction ${txId.slice(0, 12)}…).`;
      },
    });
  };
  return (
    <>
      <dl className="facts" data-testid="stake">
        <dt>Staked</dt>
        <dd>{formatErg(stake.stake)}</dd>
        <dt>State</dt>
        <dd>
          {stake.bonded
            ? "Bonded"
            : `Unbonding since block ${stake.unbondingStart}; withdrawable from block ${stake.withdrawableAt}`}
        </dd>
        <dt>Minimum per GPU</dt>
        <dd>{formatErg(stake.minStakePerGpu)}</dd>
        <dt>Confirmed</dt>
        <dd>{stake.confirmed ? "Yes" : "Not yet (in the mempool)"}</dd>
      </dl>
      {stake.bonded && (
        <form className="row" onSubmit={topUp} aria-label="Top up stake">
          <label>
            Add ERG
            <input name="amount" inputMode="decimal" required placeholder="1.5" />
          </label>
          <button type="submit" disabled={action.busy !== undefined}>
            Top up
          </button>
        </form>
      )}
      <div className="row">
        {stake.bonded ? (
          <button
            type="button"
            className="secondary"
            disabled={action.busy !== undefined}
            onClick={() =>
              action.run("unbond", {
                what: "the start of unbonding",
                build: async () => (await client.unbondStakeTx()).unsignedTx,
                after: async () => {
                  await refresh();
                  return "Unbonding started: your GPUs leave the search; withdraw once the period ends.";
                },
              })
            }
          >
            Start unbonding
          </button>
        ) : (
          <button
            type="button"
            disabled={action.busy !== undefined}
            onClick={() =>
              action.run("withdraw", {
                what: "the stake withdrawal",
                build: async () => (await client.withdrawStakeTx()).unsignedTx,
                after: async () => {
                  await refresh();
                  return `Withdrew ${formatErg(stake.stake)} to your wallet.`;
                },
              })
            }
          >
            Withdraw stake
          </button>
        )}
      </div>
    </>
  );
}

/** The form's GPU group → the listing the stake box commits to (prices typed in GPUC with decimals). */
function readListing(form: FormData): Listing {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const int = (name: string) => Number(text(name));
  return {
    region: text("region"),
    gpus: [
      {
        model: text("model"),
        vramGb: int("vramGb"),
        count: int("count"),
        cudaVersion: text("cudaVersion"),
        cpuCores: int("cpuCores"),
        ramGb: int("ramGb"),
        diskGb: int("diskGb"),
        pricePerHour: String(parseGpuc(text("price"), "The price per hour")),
        minHours: int("minHours"),
        maxHours: int("maxHours"),
      },
    ],
  };
}

function ListingForm({
  client,
  action,
  provider,
  hasStake,
}: {
  client: MarketplaceClient;
  action: SignedActionApi;
  provider: Provider | undefined;
  hasStake: boolean;
}) {
  const queries = useQueryClient();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let listing: Listing;
    let stake: bigint;
    try {
      listing = readListing(form);
      stake = parseErg(String(form.get("stake") ?? "0") || "0", "The stake");
    } catch (error) {
      void action.plain("listing", () => Promise.reject(error));
      return;
    }
    const name = String(form.get("name") ?? "").trim() || "my-rig";
    void action.run("listing", {
      what: hasStake ? "the stake update for this listing" : "the stake",
      build: async () =>
        hasStake
          ? (await client.topUpStakeTx({ amount: String(stake || 1n), listing })).unsignedTx
          : (await client.createStakeTx({ amount: String(stake), listing })).unsignedTx,
      after: async (_txId, say) => {
        say("Waiting for the stake to confirm…");
        const before = queries.getQueryData<OwnStake | null>(["own-stake"])?.stakeBoxId;
        const own = await waitFor(
          "the stake to confirm",
          () => client.ownStake().catch(unlessNotFound),
          (current) => current.confirmed && current.stakeBoxId !== before,
        );
        say("Registering the listing with the marketplace…");
        // The marketplace takes a stake box once its indexer saw it: retried while it answers 404.
        const registered = await waitFor(
          "the marketplace to see the stake",
          () =>
            (provider
              ? client.updateListing(provider.id, { stakeBoxId: own.stakeBoxId, listing })
              : client.registerProvider({ name, stakeBoxId: own.stakeBoxId, listing })
            ).catch(unlessNotFound),
          () => true,
        );
        await queries.invalidateQueries({ queryKey: ["my-providers"] });
        await queries.invalidateQueries({ queryKey: ["own-stake"] });
        return registered.listed
          ? `Listed: ${listing.gpus[0]!.count} × ${listing.gpus[0]!.model} is searchable once your executor is online.`
          : "Registered, but not searchable yet: the stake must be bonded and cover every GPU.";
      },
    });
  };
  const gpu = useMemo(() => ({ model: "RTX 4090", vramGb: 24, count: 1, cudaVersion: "12.4" }), []);
  return (
    <form className="form" onSubmit={submit} aria-label="GPU listing">
      {!provider && (
        <label>
          Provider name
          <input name="name" required defaultValue="my-rig" />
        </label>
      )}
      <div className="filters">
        <label>
          Region
          <input
            name="region"
            required
            defaultValue={provider?.region ?? "devnet"}
            pattern="[a-z0-9-]{2,32}"
          />
        </label>
        <label>
          Model
          <input name="model" required defaultValue={gpu.model} />
        </label>
        <label>
          VRAM (GB)
          <input name="vramGb" type="number" min={1} required defaultValue={gpu.vramGb} />
        </label>
        <label>
          GPUs
          <input name="count" type="number" min={1} max={64} required defaultValue={gpu.count} />
        </label>
        <label>
          CUDA
          <input name="cudaVersion" required defaultValue={gpu.cudaVersion} />
        </label>
        <label>
          CPU cores
          <input name="cpuCores" type="number" min={1} required defaultValue={1} />
        </label>
        <label>
          RAM (GB)
          <input name="ramGb" type="number" min={1} required defaultValue={1} />
        </label>
        <label>
          Disk (GB)
          <input name="diskGb" type="number" min={1} required defaultValue={1} />
        </label>
        <label>
          Price (GPUC/h)
          <input name="price" inputMode="decimal" required defaultValue="1" />
        </label>
        <label>
          Min hours
          <input name="minHours" type="number" min={1} required defaultValue={1} />
        </label>
        <label>
          Max hours
          <input name="maxHours" type="number" min={1} required defaultValue={24} />
        </label>
        <label>
          {hasStake ? "Add to stake (ERG)" : "Stake (ERG)"}
          <input name="stake" inputMode="decimal" required={!hasStake} placeholder="minimum per GPU × GPUs" />
        </label>
      </div>
      <button type="submit" disabled={action.busy !== undefined}>
        {provider ? "Update listing" : hasStake ? "List with this stake" : "Stake and list"}
      </button>
    </form>
  );
}

function ActionStatus({ action }: { action: SignedActionApi }) {
  return (
    <div aria-live="polite">
      {action.progress && <p role="status">{action.progress}</p>}
      {action.done && (
        <p className="notice" role="status" data-testid="action-done">
          {action.done}
        </p>
      )}
      {action.error !== undefined && <ErrorNote error={action.error} />}
    </div>
  );
}

function ProviderView({ client, provider }: { client: MarketplaceClient; provider: Provider }) {
  const executor = useQuery({
    queryKey: ["executor", provider.id],
    queryFn: ({ signal }) => client.executorStatus(provider.id, { signal }),
    refetchInterval: 5_000,
  });
  const reputation = useQuery({
    queryKey: ["reputation", provider.id],
    queryFn: ({ signal }) => client.reputation(provider.id, { signal }),
    refetchInterval: 60_000,
  });
  return (
    <>
      <section aria-labelledby="executor-title" data-testid="provider">
        <h2 id="executor-title">Executor</h2>
        <QueryView query={executor} what="your executor">
          {(status) => (
            <>
              <dl className="facts">
                <dt>Status</dt>
                <dd data-testid="executor-online" className={status.online ? "ok" : "bad"}>
                  {status.online ? "Online" : "Offline"}
                </dd>
                <dt>Last heartbeat</dt>
                <dd>{formatTime(status.lastHeartbeatAt)}</dd>
                <dt>Reliability</dt>
                <dd>{formatPercent(status.reliability)}</dd>
                <dt>Listed</dt>
                <dd>
                  {provider.listed ? "Yes, searchable" : "No: the stake must be bonded and cover every GPU"}
                </dd>
              </dl>
              {status.uptime.length > 0 && <UptimeTable uptime={status.uptime} />}
            </>
          )}
        </QueryView>
      </section>
      <section aria-labelledby="reputation-title">
        <h2 id="reputation-title">Reputation</h2>
        <QueryView query={reputation} what="your reputation">
          {(data) => <ReputationTable reputation={data} />}
        </QueryView>
      </section>
      <Rentals client={client} providerId={provider.id} />
      <Earnings client={client} providerId={provider.id} />
    </>
  );
}

function Rentals({ client, providerId }: { client: MarketplaceClient; providerId: string }) {
  const rentals = useQuery({
    queryKey: ["provider-rentals", providerId],
    queryFn: ({ signal }) => client.assignedRentals(providerId, { signal }),
    refetchInterval: 5_000,
  });
  return (
    <section aria-labelledby="rentals-title">
      <h2 id="rentals-title">Current rentals</h2>
      <QueryView query={rentals} what="your rentals">
        {({ rentals: items }) =>
          items.length === 0 ? (
            <Empty>No rental runs on your GPUs now.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Rental</th>
                    <th scope="col">State</th>
                    <th scope="col">Image</th>
                    <th scope="col" className="num">
                      Hours
                    </th>
                    <th scope="col" className="num">
                      Price / h
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((rental) => (
                    <tr key={rental.id}>
                      <td>{rental.id.slice(0, 8)}</td>
                      <td>{rental.state}</td>
                      <td>
                        <code>{rental.image}</code>
                      </td>
                      <td className="num">{rental.hours}</td>
                      <td className="num">{formatGpuc(rental.pricePerHour)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

function Earnings({ client, providerId }: { client: MarketplaceClient; providerId: string }) {
  const { network } = useWallet();
  const earnings = useQuery({
    queryKey: ["earnings", providerId],
    queryFn: ({ signal }) => client.providerEarnings(providerId, { signal }),
    refetchInterval: 10_000,
  });
  const series = useMemo(
    () => ({
      label: "GPUC per day",
      x: (earnings.data?.days ?? []).map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
      y: (earnings.data?.days ?? []).map((day) => Number(day.gpuc) / 1e6),
    }),
    [earnings.data],
  );
  return (
    <section aria-labelledby="earnings-title">
      <h2 id="earnings-title">Earnings</h2>
      <QueryView query={earnings} what="your earnings">
        {(data) =>
          data.payouts.length === 0 ? (
            <Empty>No payout yet: the executor claims each billing hour a rental runs.</Empty>
          ) : (
            <>
              <p>
                In all: <strong data-testid="earnings-total">{formatGpuc(data.total)}</strong>
              </p>
              {series.x.length > 1 && <TimeChart series={series} />}
              <div className="table-wrap">
                <table data-testid="payouts">
                  <caption>Every payout</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Kind</th>
                      <th scope="col" className="num">
                        GPUC
                      </th>
                      <th scope="col">Transaction</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.payouts.map((payout) => (
                      <tr key={`${payout.txId}:${payout.escrowBoxId}`}>
                        <td>{formatTime(payout.at)}</td>
                        <td>{payout.kind}</td>
                        <td className="num">{formatGpuc(payout.gpuc)}</td>
                        <td>
                          <TxLink txId={payout.txId} network={network} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryView>
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
      <p>Your executor signs in with an API key of the provider scope (EXECUTOR_API_KEY).</p>
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
