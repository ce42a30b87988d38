import { GPU_SORTS, type Gpu, type GpuSearch, parseGpuc } from "@gpuc/sdk";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, memo, useMemo } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { Empty, ErrorNote, Loading } from "../components/status.tsx";
import { keys, market } from "../lib/api.ts";
import { formatGpuc, formatPercent } from "../lib/format.ts";

/** The filters as the URL holds them (so a search is a link): people's units, GPUC with decimals. */
const FIELDS = [
  "gpu_name",
  "min_vram",
  "num_gpus",
  "max_price",
  "region",
  "min_reliability",
  "available",
  "sort",
  "page",
] as const;
type Field = (typeof FIELDS)[number];
type Filters = Partial<Record<Field, string>>;

const SORT_LABELS: Record<(typeof GPU_SORTS)[number], string> = {
  price: "Price, lowest first",
  "-price": "Price, highest first",
  reliability: "Reliability, best first",
  price_per_performance: "Price per TFLOPS, lowest first",
  price_per_measured_tflops: "Price per measured TFLOPS, lowest first",
};

const PAGE_SIZE = 20;

function readFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value) filters[field] = value;
  }
  return filters;
}

/** URL filters → the API's query; a bad price stays as typed so the error names it. */
function toSearch(filters: Filters): GpuSearch {
  let maxPrice: string | undefined;
  try {
    maxPrice = filters.max_price ? String(parseGpuc(filters.max_price, "The maximum price")) : undefined;
  } catch {
    maxPrice = filters.max_price;
  }
  return {
    gpu_name: filters.gpu_name,
    min_vram: filters.min_vram,
    num_gpus: filters.num_gpus,
    max_price: maxPrice,
    region: filters.region,
    min_reliability: filters.min_reliability ? String(Number(filters.min_reliability) / 100) : undefined,
    available: filters.available,
    sort: filters.sort,
    page: filters.page,
    limit: PAGE_SIZE,
  };
}

export function MarketPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const query = useQuery({
    queryKey: keys.gpus(filters),
    queryFn: ({ signal }) => market.searchGpus(toSearch(filters), { signal }),
    placeholderData: keepPreviousData,
  });
  const go = (next: Filters) => {
    const params = new URLSearchParams(
      Object.entries(next).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    navigate(params.size ? `/?${params}` : "/");
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Filters = {};
    for (const field of FIELDS) {
      const value = form.get(field);
      if (typeof value === "string" && value.trim()) next[field] = value.trim();
    }
    go(next);
  };
  const page = Number(filters.page ?? 1);
  return (
    <>
      <h1>Rent a GPU</h1>
      <SearchForm filters={filters} onSubmit={submit} key={search} />
      {query.isPending ? (
        <Loading what="offers" />
      ) : query.error ? (
        <ErrorNote error={query.error} retry={() => query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <Empty>No offer matches these filters. Widen them (fewer GPUs, a higher price, any region).</Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {query.data.total.toLocaleString()} {query.data.total === 1 ? "offer" : "offers"}
            {query.isFetching ? " — updating…" : ""}
          </p>
          <OfferTable items={query.data.items} />
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={page <= 1}
              onClick={() => go({ ...filters, page: String(page - 1) })}
            >
              Previous
            </button>
            <span>
              Page {page} of {Math.max(1, Math.ceil(query.data.total / PAGE_SIZE))}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={page * PAGE_SIZE >= query.data.total}
              onClick={() => go({ ...filters, page: String(page + 1) })}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function SearchForm({
  filters,
  onSubmit,
}: {
  filters: Filters;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <search>
      <form className="filters" onSubmit={onSubmit} aria-label="GPU search">
        <label>
          Model
          <input name="gpu_name" defaultValue={filters.gpu_name} placeholder="e.g. 4090" />
        </label>
        <label>
          Min VRAM (GB)
          <input name="min_vram" type="number" min={0} defaultValue={filters.min_vram} />
        </label>
        <label>
          GPUs at least
          <input name="num_gpus" type="number" min={1} max={64} defaultValue={filters.num_gpus} />
        </label>
        <label>
          Max price (GPUC/h)
          <input
            name="max_price"
            inputMode="decimal"
            defaultValue={filters.max_price}
            placeholder="e.g. 2.5"
          />
        </label>
        <label>
          Region
          <input name="region" defaultValue={filters.region} placeholder="e.g. eu-west" />
        </label>
        <label>
          Min reliability (%)
          <input
            name="min_reliability"
            type="number"
            min={0}
            max={100}
            defaultValue={filters.min_reliability}
          />
        </label>
        <label>
          Availability
          <select name="available" defaultValue={filters.available ?? ""}>
            <option value="">Any</option>
            <option value="true">Available now</option>
          </select>
        </label>
        <label>
          Sort by
          <select name="sort" defaultValue={filters.sort ?? "price"}>
            {GPU_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

/** What the benchmark measured, or why there is no figure (no answer yet, or a failed challenge). */
function measured(gpu: Gpu): string {
  if (gpu.measuredTflops === null) return gpu.verification === "failed" ? "Failed" : "Not yet";
  const figure = `${gpu.measuredTflops.toFixed(1)} TFLOPS`;
  return gpu.verification === "unverified" ? `${figure} (below model)` : figure;
}

/** Memoised: a page change re-renders only when the rows changed. */
const OfferTable = memo(function OfferTable({ items }: { items: readonly Gpu[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="offers">
        <caption className="skip">GPU offers</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              GPUs
            </th>
            <th scope="col" className="num">
              VRAM
            </th>
            <th scope="col" className="num">
              Price / h
            </th>
            <th scope="col" className="num">
              Per TFLOPS
            </th>
            <th scope="col" className="num">
              Measured
            </th>
            <th scope="col">Region</th>
            <th scope="col" className="num">
              Reliability
            </th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="skip">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((gpu) => (
            <tr key={gpu.id}>
              <td>
                <Link href={`/offers/${gpu.id}`}>{gpu.model}</Link>
              </td>
              <td className="num">{gpu.count}</td>
              <td className="num">{gpu.vramGb} GB</td>
              <td className="num">{formatGpuc(gpu.pricePerHour)}</td>
              <td className="num">{formatGpuc(String(Math.round(gpu.pricePerTflops)))}</td>
              <td className="num">{measured(gpu)}</td>
              <td>{gpu.region}</td>
              <td className="num">{formatPercent(gpu.reliability)}</td>
              <td>{gpu.available ? "Available" : gpu.online ? "Rented" : "Offline"}</td>
              <td>
                {gpu.available && (
                  <Link href={`/rent/${gpu.id}`} aria-label={`Rent ${gpu.model} in ${gpu.region}`}>
                    Rent
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
