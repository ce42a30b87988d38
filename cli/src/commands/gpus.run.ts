import { formatGpuc, type Gpu, instanceIdParams, parseGpuc, searchQuery } from "@gpuc/sdk";
import { marketplaceFor } from "../core/market.ts";
import { checkRequest } from "../core/problems.ts";
import { keyValues, table } from "../core/table.ts";
import { argument, type CommandEnv, optionalString } from "./command.ts";

/** Online and free to rent, rented, or its provider's executor is silent. */
const status = (gpu: Gpu) => (gpu.available ? "available" : gpu.online ? "rented" : "offline");

export async function search(env: CommandEnv): Promise<void> {
  const maxPrice = optionalString(env, "max-price");
  // The query exactly as the sdk sends it, checked first with the marketplace's own schema.
  const query = {
    gpu_name: optionalString(env, "gpu-name"),
    min_vram: optionalString(env, "min-vram"),
    num_gpus: optionalString(env, "num-gpus"),
    max_price: maxPrice === undefined ? undefined : parseGpuc(maxPrice, "--max-price").toString(),
    region: optionalString(env, "region"),
    min_reliability: optionalString(env, "min-reliability"),
    available: env.values.available === true ? "true" : undefined,
    include_unverified: env.values["include-unverified"] === true ? "true" : undefined,
    sort: optionalString(env, "sort"),
    page: optionalString(env, "page"),
    limit: optionalString(env, "limit"),
  };
  const baseUrl = env.config.marketplaceUrl;
  checkRequest(searchQuery, query, {
    baseUrl,
    method: "GET",
    path: "/api/v1/gpus",
    query,
    location: "query",
  });
  const page = await marketplaceFor(baseUrl).searchGpus(query);
  if (page.items.length === 0) {
    env.output.result(
      page,
      page.total > 0 ? `No offers on page ${page.page} of ${page.total}` : "No GPU offers match",
    );
    return;
  }
  const rows = page.items.map((gpu) => [
    gpu.id,
    `${gpu.count}× ${gpu.model}`,
    `${gpu.vramGb} GB`,
    gpu.region,
    formatGpuc(gpu.pricePerHour),
    `${gpu.minHours}-${gpu.maxHours}`,
    gpu.reliability.toFixed(2),
    status(gpu),
  ]);
  const first = (page.page - 1) * page.limit + 1;
  const shown = `${first}-${first + page.items.length - 1} of ${page.total} offer${page.total === 1 ? "" : "s"}`;
  env.output.result(
    page,
    `${table(
      [
        { header: "ID" },
        { header: "GPU" },
        { header: "VRAM", align: "right" },
        { header: "REGION" },
        { header: "PRICE/H", align: "right" },
        { header: "HOURS", align: "right" },
        { header: "RELIABILITY", align: "right" },
        { header: "STATUS" },
      ],
      rows,
    )}\n${shown}${page.total > first + page.items.length - 1 ? ` (next: --page ${page.page + 1})` : ""}`,
  );
}

export async function show(env: CommandEnv): Promise<void> {
  const id = argument(env, "gpu-id");
  const baseUrl = env.config.marketplaceUrl;
  const path = `/api/v1/gpus/${encodeURIComponent(id)}`;
  checkRequest(instanceIdParams, { id }, { baseUrl, method: "GET", path, location: "params" });
  const gpu = await marketplaceFor(baseUrl).gpu(id);
  env.output.result(gpu, describeGpu(gpu));
}

/** One offer as `key  value` lines. */
export function describeGpu(gpu: Gpu): string {
  const perTflops = Number.isFinite(gpu.pricePerTflops) ? BigInt(Math.round(gpu.pricePerTflops)) : undefined;
  return keyValues([
    ["GPU offer", gpu.id],
    ["provider", gpu.providerId],
    ["GPUs", `${gpu.count}× ${gpu.model}, ${gpu.vramGb} GB VRAM each, CUDA ${gpu.cudaVersion}`],
    ["machine", `${gpu.cpuCores} CPU cores, ${gpu.ramGb} GB RAM, ${gpu.diskGb} GB disk`],
    ["region", gpu.region],
    ["price", `${formatGpuc(gpu.pricePerHour)} per hour`],
    ["hours", `${gpu.minHours} to ${gpu.maxHours} per rental`],
    [
      "performance",
      gpu.tflops > 0 && perTflops !== undefined
        ? `${gpu.tflops} TFLOPS FP32 (${formatGpuc(perTflops)} per TFLOPS-hour)`
        : "unknown (model not in the performance table)",
    ],
    ["reliability", gpu.reliability.toFixed(2)],
    ["status", status(gpu)],
  ]);
}
