import { ExecutorClient, type MarketplaceClient, type StatsResponse } from "@gpuc/sdk";
import { useEffect, useMemo, useState } from "react";
import { type Series, TimeChart } from "./chart.tsx";
import { describeError } from "./status.tsx";

const POLL_MS = 5_000;
// Ten minutes at one sample per 5 s: enough to see a trend, bounded however long the page stays open.
const MAX_SAMPLES = 120;
const MIB = 1024 * 1024;

type Source = Pick<ExecutorClient, "stats">;

/**
 * Polls the executor's usage sample while shown. The credential is issued once and again after any failure
 * (it may have expired, or the container was not there yet while the rental started).
 */
function useUsageSamples(client: MarketplaceClient, instanceId: string, executorUrl: string) {
  const [samples, setSamples] = useState<StatsResponse[]>([]);
  const [status, setStatus] = useState("Connecting to the executor…");
  useEffect(() => {
    const abort = new AbortController();
    let executor: Source | undefined;
    const connect = async (): Promise<Source> => {
      const credential = await client.issueCredential(instanceId, ["logs"], { signal: abort.signal });
      return new ExecutorClient({ baseUrl: executorUrl, auth: credential.token });
    };
    const poll = async () => {
      while (!abort.signal.aborted) {
        try {
          executor ??= await connect();
          const sample = await executor.stats(instanceId, { signal: abort.signal });
          setSamples((current) => [...current, sample].slice(-MAX_SAMPLES));
          setStatus("Live, every 5 s");
        } catch (error) {
          if (abort.signal.aborted) return;
          executor = undefined;
          setStatus(`Usage unavailable (${describeError(error)}); retrying…`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };
    void poll();
    return () => abort.abort();
  }, [client, instanceId, executorUrl]);
  return { samples, status };
}

/** The mean utilisation of the rental's GPUs, or undefined when the driver reports none. */
function gpuUtilisation(sample: StatsResponse): number | undefined {
  const known = sample.gpus.flatMap((gpu) =>
    gpu.utilizationPercent === null ? [] : [gpu.utilizationPercent],
  );
  return known.length === 0 ? undefined : known.reduce((sum, value) => sum + value, 0) / known.length;
}

function seriesOf(samples: readonly StatsResponse[]) {
  const x = samples.map((sample) => Date.parse(sample.at) / 1000);
  const cpu: Series = { label: "CPU %", x, y: samples.map((sample) => sample.cpuPercent) };
  const memory: Series = { label: "Memory MiB", x, y: samples.map((sample) => sample.memoryBytes / MIB) };
  const hasGpus = samples.some((sample) => gpuUtilisation(sample) !== undefined);
  const gpu: Series | undefined = hasGpus
    ? { label: "GPU %", x, y: samples.map((sample) => gpuUtilisation(sample) ?? 0) }
    : undefined;
  return { cpu, memory, gpu };
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/** The latest sample as text: what screen readers get (the charts are aria-hidden). */
function LatestFigures({ sample }: { sample: StatsResponse }) {
  return (
    <dl className="usage" data-testid="usage">
      <dt>CPU</dt>
      <dd data-testid="usage-cpu">{sample.cpuPercent.toFixed(1)} %</dd>
      <dt>Memory</dt>
      <dd data-testid="usage-memory">
        {mib(sample.memoryBytes)} of {mib(sample.memoryLimitBytes)}
      </dd>
      {sample.gpus.map((gpu) => (
        <GpuFigure key={gpu.uuid} gpu={gpu} />
      ))}
      <dt>Sampled</dt>
      <dd>{new Date(sample.at).toLocaleTimeString()}</dd>
    </dl>
  );
}

function GpuFigure({ gpu }: { gpu: StatsResponse["gpus"][number] }) {
  const utilisation = gpu.utilizationPercent === null ? "n/a" : `${gpu.utilizationPercent} %`;
  const memory = gpu.memoryUsedMiB === null ? "n/a" : `${gpu.memoryUsedMiB} MiB`;
  return (
    <>
      <dt>GPU {gpu.index}</dt>
      <dd data-testid="usage-gpu">
        {utilisation}, {memory} of {gpu.memoryTotalMiB} MiB
      </dd>
    </>
  );
}

function UsageCharts({ series }: { series: ReturnType<typeof seriesOf> }) {
  return (
    <>
      <h3>CPU %</h3>
      <TimeChart series={series.cpu} height={120} />
      <h3>Memory (MiB)</h3>
      <TimeChart series={series.memory} height={120} />
      {series.gpu && (
        <>
          <h3>GPU utilisation %</h3>
          <TimeChart series={series.gpu} height={120} />
        </>
      )}
    </>
  );
}

/**
 * The rental's CPU, memory and (when it has GPUs) GPU utilisation over the last ten minutes, polled from the
 * provider's executor with an instance credential scoped to `logs` (a read-only view of the container).
 */
export function UsageChart({
  client,
  instanceId,
  executorUrl,
}: {
  client: MarketplaceClient;
  instanceId: string;
  executorUrl: string;
}) {
  const { samples, status } = useUsageSamples(client, instanceId, executorUrl);
  const series = useMemo(() => seriesOf(samples), [samples]);
  const latest = samples.at(-1);
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <p className="muted" role="status">
        {status}
      </p>
      {latest && (
        <>
          <LatestFigures sample={latest} />
          <UsageCharts series={series} />
        </>
      )}
    </section>
  );
}
