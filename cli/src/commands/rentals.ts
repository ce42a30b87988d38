import { Writable } from "node:stream";
import { formatGpuc, type Instance } from "@gpuc/sdk";
import { openLogs, rentGpu, stopInstance } from "../actions/rentals.ts";
import { UsageError } from "../core/errors.ts";
import {
  argument,
  type Command,
  type CommandEnv,
  integerOption,
  optionalString,
  stringOption,
} from "./command.ts";

const describe = (instance: Instance) =>
  `${instance.id}  ${instance.state}${instance.closeReason ? ` (${instance.closeReason})` : ""}  ${instance.image}  ${instance.hours} h × ${formatGpuc(BigInt(instance.pricePerHour))}${instance.expiresAt ? `  until ${instance.expiresAt}` : ""}`;

export const rentCommand: Command = {
  usage:
    'gpuc rent <gpu-id> --image <image> --hours <n> [--cmd "<shell command>"] [--env KEY=VALUE]... [--no-wait]',
  summary: "Rent a GPU offer: sign its escrow with the wallet and wait until the container runs",
  options: {
    image: { type: "string" },
    hours: { type: "string" },
    cmd: { type: "string" },
    env: { type: "string", multiple: true },
    "no-wait": { type: "boolean" },
  },
  async run(env) {
    const gpuId = argument(env, "gpu-id", this.usage);
    const cmd = optionalString(env, "cmd");
    const instance = await rentGpu(
      env.session(),
      {
        gpuId,
        hours: integerOption(env, "hours", this.usage),
        image: stringOption(env, "image", this.usage),
        cmd: cmd === undefined ? undefined : ["sh", "-c", cmd],
        env: envPairs(env),
      },
      { untilRunning: env.values["no-wait"] !== true },
    );
    env.output.result(instance, describe(instance));
  },
};

export const instancesCommands: Record<string, Command> = {
  list: {
    usage: "gpuc instances",
    summary: "Your rentals",
    async run(env) {
      const page = await env.session().market.listInstances({ limit: 100 });
      env.output.result(page, page.items.length ? page.items.map(describe).join("\n") : "No instances");
    },
  },
  show: {
    usage: "gpuc instances show <id>",
    summary: "One rental",
    async run(env) {
      const instance = await env.session().market.instance(argument(env, "id", this.usage));
      env.output.result(instance, `${describe(instance)}\n${JSON.stringify(instance, null, 2)}`);
    },
  },
  logs: {
    usage: "gpuc instances logs <id> [--tail <n>] [--follow]",
    summary: "The container's output, from the provider's executor, with your credential",
    options: { tail: { type: "string" }, follow: { type: "boolean" } },
    async run(env) {
      const tail = optionalString(env, "tail");
      const logs = await openLogs(env.session(), argument(env, "id", this.usage), {
        tail: tail === undefined ? undefined : Number(tail),
        follow: env.values.follow === true,
        executorUrl: env.config.executorUrl,
      });
      if (env.values.follow === true) {
        // Piped: the executor writes only as fast as this terminal reads.
        await logs.body.pipeTo(Writable.toWeb(process.stdout));
        return;
      }
      const text = await logs.text();
      env.output.result({ logs: text }, text.replace(/\n$/, ""));
    },
  },
  stop: {
    usage: "gpuc instances stop <id> [--wait]",
    summary: "Stop a rental; the executor settles the last partial hour and refunds the rest",
    options: { wait: { type: "boolean" } },
    async run(env) {
      const instance = await stopInstance(env.session(), argument(env, "id", this.usage), {
        wait: env.values.wait === true,
      });
      env.output.result(instance, describe(instance));
    },
  },
};

function envPairs(env: CommandEnv): Record<string, string> | undefined {
  const pairs = env.values.env;
  if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const text = String(pair);
      const at = text.indexOf("=");
      if (at < 1) throw new UsageError(`--env wants KEY=VALUE, not "${text}"`);
      return [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}
