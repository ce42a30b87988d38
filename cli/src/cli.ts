import { parseArgs } from "node:util";
import { bridgeCommands } from "./commands/bridge.ts";
import type { Command, CommandEnv, OptionSpec } from "./commands/command.ts";
import { creditCommands } from "./commands/credit.ts";
import { deployCommand } from "./commands/deploy.ts";
import { devnetCommands } from "./commands/devnet.ts";
import { gpusCommands } from "./commands/gpus.ts";
import { buyCommand, onrampCommands } from "./commands/onramp.ts";
import { providerCommands } from "./commands/provider.ts";
import { instancesCommands, rentCommand } from "./commands/rentals.ts";
import { walletCommands } from "./commands/wallet.ts";
import type { CliConfig } from "./core/config.ts";
import { CliError, UsageError } from "./core/errors.ts";
import { createOutput, type Output } from "./core/output.ts";

// Everything imported above is the command tables and their helpers: `gpuc --help` and a usage error load
// nothing else. A command's own code (the sdk, offchain, the wallet) is imported when it runs.

const GROUPS: Readonly<Record<string, Readonly<Record<string, Command>>>> = {
  wallet: walletCommands,
  credit: creditCommands,
  gpus: gpusCommands,
  instances: instancesCommands,
  provider: providerCommands,
  devnet: devnetCommands,
  onramp: onrampCommands,
  bridge: bridgeCommands,
};

/** Commands that are one word: `gpuc rent …`, `gpuc deploy …`. */
const SINGLE: Readonly<Record<string, Command>> = {
  rent: rentCommand,
  deploy: deployCommand,
  buy: buyCommand,
};

const GLOBAL: OptionSpec = {
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  wallet: { type: "string" },
  help: { type: "boolean", short: "h" },
};

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/**
 * Runs one `gpuc` command line and returns the exit code (0 ok, 1 failure, 2 usage, 3 marketplace error,
 * 4 unreachable, 5 not on chain, 6 timeout). Errors are printed, never thrown.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const json = argv.includes("--json");
  const help = argv.includes("--help") || argv.includes("-h");
  try {
    const found = resolve(argv, help);
    if (found.kind === "help") {
      stdout(`${found.text}\n`);
      return found.code;
    }
    const { command, rest } = found;
    const spec = { ...GLOBAL, ...command.options };
    const parsed = parseArgs({
      args: dashValues(rest, spec),
      options: spec,
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      stdout(`${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    const output = createOutput({ json, quiet: parsed.values.quiet === true, stdout, stderr });
    const { loadCliConfig } = await import("./core/config.ts");
    const env: CommandEnv = {
      usage: command.usage,
      positionals: parsed.positionals,
      values: parsed.values,
      config: withWallet(loadCliConfig(options.env), parsed.values.wallet),
      output,
    };
    await command.run(env);
    return 0;
  } catch (error) {
    return report(error, json, stderr);
  }
}

type Resolved =
  | { readonly kind: "command"; readonly command: Command; readonly rest: readonly string[] }
  | { readonly kind: "help"; readonly text: string; readonly code: number };

/**
 * The command an argv names, and the argv without its command words. Words are the arguments that are neither an
 * option nor an option's value (`gpuc --wallet w.json wallet balance` is `wallet balance`). With `--help` and only
 * a group (`gpuc wallet --help`), that group's help.
 */
function resolve(argv: readonly string[], help: boolean): Resolved {
  const global = words(argv, valued(GLOBAL));
  const group = global[0];
  if (!group) return { kind: "help", text: helpText(), code: argv.length === 0 || help ? 0 : 2 };
  const single = SINGLE[group.word];
  if (single) return { kind: "command", command: single, rest: without(argv, [group.index]) };
  const commands = GROUPS[group.word];
  if (!commands) throw new UsageError(`Unknown command "${group.word}". Run \`gpuc --help\`.`);
  const all = { ...GLOBAL, ...Object.assign({}, ...Object.values(commands).map((c) => c.options ?? {})) };
  const [, sub] = words(argv, valued(all));
  if (!sub && help) return { kind: "help", text: groupHelp(commands), code: 0 };
  if (group.word === "instances" && (sub === undefined || !(sub.word in commands))) {
    // `gpuc instances` lists, `gpuc instances <id>` shows.
    const command = commands[sub === undefined ? "list" : "show"]!;
    return { kind: "command", command, rest: without(argv, [group.index]) };
  }
  const command = sub ? commands[sub.word] : undefined;
  if (command && sub) return { kind: "command", command, rest: without(argv, [group.index, sub.index]) };
  const names = Object.keys(commands).map((name) => `gpuc ${group.word} ${name}`);
  throw new UsageError(
    `${sub ? `Unknown command "${group.word} ${sub.word}"` : `"${group.word}" needs a command`}: ${names.join(", ")}`,
  );
}

/** The long and short names of the options that take a value. */
function valued(spec: OptionSpec): Set<string> {
  const names = new Set<string>();
  for (const [name, option] of Object.entries(spec)) {
    if (option.type !== "string") continue;
    names.add(`--${name}`);
    if (option.short) names.add(`-${option.short}`);
  }
  return names;
}

/** The arguments that are neither options nor their values, with their positions; none after `--`. */
function words(
  argv: readonly string[],
  valueOptions: ReadonlySet<string>,
): { word: string; index: number }[] {
  const found: { word: string; index: number }[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") break;
    if (arg.startsWith("-") && arg.length > 1) {
      if (valueOptions.has(arg)) index++; // `--wallet w.json`: w.json is no word
      continue;
    }
    found.push({ word: arg, index });
  }
  return found;
}

function without(argv: readonly string[], indexes: readonly number[]): string[] {
  return argv.filter((_arg, index) => !indexes.includes(index));
}

/**
 * `--sort -price` → `--sort=-price`: an option that takes a value takes the next argument even when it starts
 * with a dash (node's parseArgs calls that ambiguous), unless that argument is itself one of the command's options
 * (`--image --hours 2` still fails, saying `--image` lacks its value).
 */
function dashValues(args: readonly string[], spec: OptionSpec): string[] {
  const takesValue = valued(spec);
  const isOption = (arg: string) => {
    const name = arg.split("=")[0]!;
    return name.startsWith("--")
      ? name.slice(2) in spec || name === "--"
      : takesValue.has(name) || shortIn(spec, name);
  };
  const out: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const next = args[index + 1];
    if (arg === "--") {
      out.push(...args.slice(index));
      break;
    }
    if (takesValue.has(arg) && next?.startsWith("-") && !isOption(next)) {
      out.push(arg.startsWith("--") ? `${arg}=${next}` : `${arg}${next}`);
      index++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

function shortIn(spec: OptionSpec, arg: string): boolean {
  return /^-[^-]$/.test(arg) && Object.values(spec).some((option) => option.short === arg.slice(1));
}

function withWallet(config: CliConfig, wallet: unknown): CliConfig {
  return typeof wallet === "string" ? { ...config, walletPath: wallet } : config;
}

async function report(failure: unknown, json: boolean, stderr: (text: string) => void): Promise<number> {
  const error =
    failure instanceof CliError ? failure : (await import("./core/problems.ts")).fromSdkError(failure);
  const known = error instanceof CliError;
  const usage =
    !known &&
    error instanceof TypeError &&
    "code" in error &&
    String(error.code).startsWith("ERR_PARSE_ARGS");
  const code = known ? error.exitCode : usage ? 2 : 1;
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const document = { error: name, message, exitCode: code, ...(known ? error.details : {}) };
    // One line, bigints (GPUC units, nanoERG) as decimal strings, as on stdout.
    stderr(
      `${JSON.stringify(document, (_key, value) => (typeof value === "bigint" ? value.toString() : value))}\n`,
    );
  } else {
    stderr(`gpuc: ${message}\n`);
  }
  return code;
}

function describe(command: Command): string {
  return `  ${command.usage}\n      ${command.summary}`;
}

function groupHelp(commands: Readonly<Record<string, Command>>): string {
  return Object.values(commands).map(describe).join("\n");
}

export function helpText(): string {
  const lines = [
    "Usage: gpuc <command> [options]   (--json for machine-readable output, --quiet, --wallet <file>;",
    "       `gpuc <command> --help` for one command)",
    "",
  ];
  for (const command of Object.values(SINGLE)) lines.push(describe(command));
  for (const commands of Object.values(GROUPS)) lines.push(groupHelp(commands));
  lines.push(
    "",
    "Amounts are typed and shown in GPUC and ERG (2, 0.5, 150.075); --json gives base units as strings",
    "(GPUC units: 1 GPUC = 1,000,000; nanoERG: 1 ERG = 1,000,000,000).",
    "Environment: GPUC_WALLET (~/.gpuc/wallet.json), GPUC_MARKETPLACE_URL (http://127.0.0.1:8080),",
    "ERGO_NODE_URL (http://127.0.0.1:9052), GPUC_DEPLOYMENT_FILE (<GPUC_DATA_DIR>/deployment.json), GPUC_DATA_DIR (.data),",
    "GPUC_EXECUTOR_URL, GPUC_NETWORK (testnet), GPUC_CONFIRM_TIMEOUT_S (600).",
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 marketplace error, 4 unreachable, 5 not on chain, 6 timeout.",
  );
  return lines.join("\n");
}

export type { Output };
