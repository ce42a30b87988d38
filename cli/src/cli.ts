import { parseArgs } from "node:util";
import { type Command, type CommandEnv, createSession, type OptionSpec } from "./commands/command.ts";
import { creditCommands } from "./commands/credit.ts";
import { deployCommand } from "./commands/deploy.ts";
import { gpusCommands } from "./commands/gpus.ts";
import { providerCommands } from "./commands/provider.ts";
import { instancesCommands, rentCommand } from "./commands/rentals.ts";
import { walletCommands } from "./commands/wallet.ts";
import { type CliConfig, loadCliConfig } from "./core/config.ts";
import { CliError, fromSdkError, UsageError } from "./core/errors.ts";
import { createOutput, type Output } from "./core/output.ts";

const GROUPS: Readonly<Record<string, Readonly<Record<string, Command>>>> = {
  wallet: walletCommands,
  credit: creditCommands,
  gpus: gpusCommands,
  instances: instancesCommands,
  provider: providerCommands,
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
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const json = argv.includes("--json");
  try {
    const { command, rest } = resolve(argv);
    if (!command) {
      (options.stdout ?? ((text: string) => process.stdout.write(text)))(`${helpText()}\n`);
      return argv.length === 0 || argv.includes("--help") || argv.includes("-h") ? 0 : 2;
    }
    const parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      (options.stdout ?? ((text: string) => process.stdout.write(text)))(
        `${command.usage}\n  ${command.summary}\n`,
      );
      return 0;
    }
    const output = createOutput({
      json,
      quiet: parsed.values.quiet === true,
      stdout: options.stdout,
      stderr,
    });
    const config = withWallet(loadCliConfig(options.env), parsed.values.wallet);
    const env: CommandEnv = {
      positionals: parsed.positionals,
      values: parsed.values,
      config,
      output,
      session: createSession(config, output),
    };
    await command.run(env);
    return 0;
  } catch (error) {
    return report(error, json, stderr);
  }
}

function resolve(argv: readonly string[]): { command?: Command; rest: readonly string[] } {
  const words = argv.filter((arg) => !arg.startsWith("-"));
  const [group, sub] = words;
  if (!group) return { rest: argv };
  if (group === "rent") return { command: rentCommand, rest: without(argv, [group]) };
  if (group === "deploy") return { command: deployCommand, rest: without(argv, [group]) };
  const commands = GROUPS[group];
  if (!commands) throw new UsageError(`Unknown command "${group}". Run \`gpuc --help\`.`);
  if (group === "instances" && (sub === undefined || !(sub in commands))) {
    return { command: commands[sub === undefined ? "list" : "show"], rest: without(argv, [group]) };
  }
  const command = sub ? commands[sub] : undefined;
  if (!command) {
    throw new UsageError(
      `${sub ? `Unknown command "${group} ${sub}"` : `"${group}" needs a command`}: ${Object.keys(commands)
        .map((name) => `gpuc ${group} ${name}`)
        .join(", ")}`,
    );
  }
  return { command, rest: without(argv, [group, sub!]) };
}

/** argv without the first occurrence of each word (the command words), in order. */
function without(argv: readonly string[], words: readonly string[]): string[] {
  const rest = [...argv];
  for (const word of words) rest.splice(rest.indexOf(word), 1);
  return rest;
}

function withWallet(config: CliConfig, wallet: unknown): CliConfig {
  return typeof wallet === "string" ? { ...config, walletPath: wallet } : config;
}

function report(failure: unknown, json: boolean, stderr: (text: string) => void): number {
  const error = fromSdkError(failure);
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
    const fields = known && "problem" in error ? { problem: error.problem } : {};
    stderr(`${JSON.stringify({ error: name, message, exitCode: code, ...fields })}\n`);
  } else {
    stderr(`gpuc: ${message}\n`);
  }
  return code;
}

export function helpText(): string {
  const lines = [
    "Usage: gpuc <command> [options]   (--json for machine-readable output, --wallet <file>)",
    "",
  ];
  for (const command of [rentCommand, deployCommand])
    lines.push(`  ${command.usage}\n      ${command.summary}`);
  for (const commands of Object.values(GROUPS)) {
    for (const command of Object.values(commands)) lines.push(`  ${command.usage}\n      ${command.summary}`);
  }
  lines.push(
    "",
    "Environment: GPUC_WALLET (~/.gpuc/wallet.json), GPUC_MARKETPLACE_URL (http://127.0.0.1:8080),",
    "ERGO_NODE_URL (http://127.0.0.1:9052), GPUC_DEPLOYMENT_FILE (<GPUC_DATA_DIR>/deployment.json), GPUC_DATA_DIR (.data),",
    "GPUC_EXECUTOR_URL, GPUC_NETWORK (testnet), GPUC_CONFIRM_TIMEOUT_S (600).",
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 marketplace error, 4 unreachable, 5 not on chain, 6 timeout.",
  );
  return lines.join("\n");
}

export type { Output };
