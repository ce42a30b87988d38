import type { Gpu } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { ReputationTable } from "../components/reputation-table.tsx";
import { ErrorNote, Loading } from "../components/status.tsx";
import { UptimeTable } from "../components/uptime-table.tsx";
import { keys, market } from "../lib/api.ts";
import { formatErg, formatGpuc, formatPercent, formatTime } from "../lib/format.ts";

/** The benchmark challenge's verdict on the offer, in words, with what it measured. */
function measuredText(offer: Gpu): string {
  const figures =
    offer.measuredTflops === null
      ? ""
      : `${offer.measuredTflops.toFixed(1)} TFLOPS, ${Math.round(offer.measuredBandwidthGbs ?? 0)} GB/s — `;
  const verdict: Record<Gpu["verification"], string> = {
    pending: "not benchmarked yet",
    verified: "verified by a benchmark challenge",
    unverified: "far below its model's figure: unverified",
    failed: "its last benchmark challenge failed",
  };
  return `${figures}${verdict[offer.verification]}`;
}

/** One offer: its specs, price, provider's stake and reliability. */
export default function OfferPage({ id }: { id: string }) {
  const gpu = useQuery({ queryKey: keys.gpu(id), queryFn: ({ signal }) => market.gpu(id, { signal }) });
  const providerId = gpu.data?.providerId;
  const provider = useQuery({
    queryKey: keys.provider(providerId ?? ""),
    enabled: providerId !== undefined,
    queryFn: ({ signal }) => market.provider(providerId!, { signal }),
  });
  const history = useQuery({
    queryKey: ["executor", providerId ?? ""],
    enabled: providerId !== undefined,
    queryFn: ({ signal }) => market.executorStatus(providerId!, { signal }),
  });
  const reputation = useQuery({
    queryKey: ["reputation", providerId ?? ""],
    enabled: providerId !== undefined,
    queryFn: ({ signal }) => market.reputation(providerId!, { signal }),
  });
  if (gpu.isPending) return <Loading what="the offer" />;
  if (gpu.error) return <ErrorNote error={gpu.error} retry={() => gpu.refetch()} />;
  const offer = gpu.data;
  return (
    <>
      <h1>
        {offer.count} × {offer.model}
      </h1>
      <p>
        {offer.available ? (
          <Link href={`/rent/${offer.id}`} className="button">
            Rent this offer
          </Link>
        ) : (
          <span className="muted">{offer.online ? "Rented now" : "Provider offline"}</span>
        )}
      </p>
      <h2>Specs</h2>
      <dl className="facts">
        <dt>VRAM</dt>
        <dd>{offer.vramGb} GB per GPU</dd>
        <dt>Performance</dt>
        <dd>{offer.tflops.toFixed(1)} FP32 TFLOPS in all (data sheet)</dd>
        <dt>Measured</dt>
        <dd data-testid="offer-measured">{measuredText(offer)}</dd>
        <dt>CUDA</dt>
        <dd>{offer.cudaVersion}</dd>
        <dt>CPU / RAM / disk</dt>
        <dd>
          {offer.cpuCores} cores · {offer.ramGb} GB · {offer.diskGb} GB
        </dd>
        <dt>Region</dt>
        <dd>{offer.region}</dd>
        <dt>Price</dt>
        <dd>
          {formatGpuc(offer.pricePerHour)} per hour ({formatGpuc(String(Math.round(offer.pricePerTflops)))}{" "}
          per TFLOPS-hour)
        </dd>
        <dt>Hours</dt>
        <dd>
          {offer.minHours} to {offer.maxHours}
        </dd>
      </dl>
      <h2>Provider</h2>
      {provider.isPending ? (
        <Loading what="the provider" />
      ) : provider.error ? (
        <ErrorNote error={provider.error} />
      ) : (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{provider.data.name}</dd>
          <dt>Stake</dt>
          <dd>
            {formatErg(provider.data.stakeNanoErg)} {provider.data.bonded ? "bonded" : "unbonding"}
          </dd>
          <dt>Reliability</dt>
          <dd>{formatPercent(provider.data.reliability)} of heartbeats on time</dd>
          <dt>Last heartbeat</dt>
          <dd>{formatTime(provider.data.lastHeartbeatAt)}</dd>
          <dt>Online</dt>
          <dd>{provider.data.online ? "Yes" : "No"}</dd>
        </dl>
      )}
      <h2>Reliability history</h2>
      {history.isPending ? (
        <Loading what="the reliability history" />
      ) : history.error ? (
        <ErrorNote error={history.error} />
      ) : history.data.uptime.length === 0 ? (
        <p className="muted">No heartbeats recorded yet.</p>
      ) : (
        <UptimeTable uptime={history.data.uptime} />
      )}
      <h2>Reputation</h2>
      {reputation.isPending ? (
        <Loading what="the reputation" />
      ) : reputation.error ? (
        <ErrorNote error={reputation.error} />
      ) : (
        <ReputationTable reputation={reputation.data} />
      )}
    </>
  );
}
