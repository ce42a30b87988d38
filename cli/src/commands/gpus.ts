import { formatGpuc, parseGpuc } from "@gpuc/sdk";
import { marketplaceFor } from "../core/market.ts";
import { argument, type Command, optionalString } from "./command.ts";

export const gpusCommands: Record<string, Command> = {
  search: {
    usage:
      "gpuc gpus search [--gpu-name <name>] [--min-vram <GB>] [--num-gpus <n>] [--max-price <GPUC/h>] [--region <r>] [--min-reliability <0..1>] [--available] [--sort price|-price|reliability|price_per_performance] [--page <n>] [--limit <n>]",
    summary: "Search GPU offers (no wallet needed)",
    options: {
      "gpu-name": { type: "string" },
      "min-vram": { type: "string" },
      "num-gpus": { type: "string" },
      "max-price": { type: "string" },
      region: { type: "string" },
      "min-reliability": { type: "string" },
      available: { type: "boolean" },
      sort: { type: "string" },
      page: { type: "string" },
      limit: { type: "string" },
    },
    async run(env) {
      const maxPrice = optionalString(env, "max-price");
      const page = await marketplaceFor(env.config.marketplaceUrl).searchGpus({
        gpu_name: optionalString(env, "gpu-name"),
        min_vram: optionalString(env, "min-vram"),
        num_gpus: optionalString(env, "num-gpus"),
        max_price: maxPrice === undefined ? undefined : parseGpuc(maxPrice, "--max-price"),
        region: optionalString(env, "region"),
        min_reliability: optionalString(env, "min-reliability"),
        available: env.values.available === true ? "true" : undefined,
        sort: optionalString(env, "sort"),
        page: optionalString(env, "page"),
        limit: optionalString(env, "limit"),
      });
      const lines = page.items.map(
        (gpu) =>
          `${gpu.id}  ${gpu.count}× ${gpu.model} ${gpu.vramGb} GB  ${gpu.region}  ${formatGpuc(BigInt(gpu.pricePerHour))}/h  ${gpu.minHours}-${gpu.maxHours} h  reliability ${gpu.reliability.toFixed(2)}${gpu.available ? "" : "  (busy or offline)"}`,
      );
      env.output.result(
        page,
        lines.length ? `${lines.join("\n")}\n${page.total} offer(s)` : "No GPU offers match",
      );
    },
  },
  show: {
    usage: "gpuc gpus show <gpu-id>",
    summary: "One GPU offer",
    async run(env) {
      const gpu = await marketplaceFor(env.config.marketplaceUrl).gpu(argument(env, "gpu-id", this.usage));
      env.output.result(gpu, JSON.stringify(gpu, null, 2));
    },
  },
};
