import type { Command } from "./command.ts";

const code = () => import("./rentals.run.ts");

export const rentCommand: Command = {
  usage:
    'gpuc rent <gpu-id> --image <image> --hours <n> [--cmd "<shell command>"] [--env KEY=VALUE]... [--no-wait]',
  summary:
    "Rent a GPU offer: sign its escrow with the wallet and wait until the container runs (exit 1 if the rental fails)",
  options: {
    image: { type: "string" },
    hours: { type: "string" },
    cmd: { type: "string" },
    env: { type: "string", multiple: true },
    "no-wait": { type: "boolean" },
  },
  run: async (env) => (await code()).rent(env),
};

export const instancesCommands: Record<string, Command> = {
  list: {
    usage: "gpuc instances",
    summary: "Your rentals",
    run: async (env) => (await code()).list(env),
  },
  show: {
    usage: "gpuc instances show <id>",
    summary: "One rental (why it closed, when it did)",
    run: async (env) => (await code()).show(env),
  },
  logs: {
    usage: "gpuc instances logs <id> [--tail <n>] [--follow]",
    summary: "The container's output, from the provider's executor, with your credential",
    options: { tail: { type: "string" }, follow: { type: "boolean" } },
    run: async (env) => (await code()).logs(env),
  },
  receipts: {
    usage: "gpuc instances receipts <id> [--verify]",
    summary:
      "The rental's signed usage receipts; --verify checks each against the chain (signature, Merkle proof, payout R5), exit 1 if any fails",
    options: { verify: { type: "boolean" } },
    run: async (env) => (await import("./receipts.run.ts")).receipts(env),
  },
  stop: {
    usage: "gpuc instances stop <id> [--wait]",
    summary: "Stop a rental; the executor settles the last partial hour and refunds the rest",
    options: { wait: { type: "boolean" } },
    run: async (env) => (await code()).stop(env),
  },
};
