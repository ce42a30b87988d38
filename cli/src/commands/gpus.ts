import type { Command } from "./command.ts";

const code = () => import("./gpus.run.ts");

export const gpusCommands: Record<string, Command> = {
  search: {
    usage:
      "gpuc gpus search [--gpu-name <name>] [--min-vram <GB>] [--num-gpus <n>] [--max-price <GPUC/h>] [--region <r>] [--min-reliability <0..1>] [--available] [--sort price|-price|reliability|price_per_performance|price_per_measured_tflops] [--include-unverified] [--page <n>] [--limit <n>]",
    summary: "Search GPU offers (no wallet needed)",
    options: {
      "gpu-name": { type: "string" },
      "min-vram": { type: "string" },
      "num-gpus": { type: "string" },
      "max-price": { type: "string" },
      region: { type: "string" },
      "min-reliability": { type: "string" },
      available: { type: "boolean" },
      "include-unverified": { type: "boolean" },
      sort: { type: "string" },
      page: { type: "string" },
      limit: { type: "string" },
    },
    run: async (env) => (await code()).search(env),
  },
  show: {
    usage: "gpuc gpus show <gpu-id>",
    summary: "One GPU offer (no wallet needed)",
    run: async (env) => (await code()).show(env),
  },
};
