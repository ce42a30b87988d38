// What every command is made of. This file and the command tables (wallet.ts, gpus.ts, …) import nothing heavy:
// `gpuc --help` loads only them. A command's code is in its *.run.ts file, imported when the command runs.
import type { CliConfig } from "../core/config.ts";
import { UsageError } from "../core/errors.ts";
import type { Output } from "../core/output.ts";

export type OptionSpec = Readonly<
  Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
  >
>;
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** What a command runs with: its arguments, the CLI config and where to print. */
export interface CommandEnv {
  /** The command's usage line, for the messages of a missing argument. */
  readonly usage: string;
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  readonly config: CliConfig;
  readonly output: Output;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options?: OptionSpec;
  /** Imports the command's code and runs it. */
  run(env: CommandEnv): Promise<void>;
}

/** The single positional argument a command needs. */
export function argument(env: CommandEnv, name: string): string {
  const value = env.positionals[0];
  if (!value) throw new UsageError(`Missing <${name}>. Usage: ${env.usage}`);
  return value;
}

export function stringOption(env: CommandEnv, name: string): string {
  const value = env.values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new UsageError(`Missing --${name}. Usage: ${env.usage}`);
  return value;
}

export function optionalString(env: CommandEnv, name: string): string | undefined {
  const value = env.values[name];
  return typeof value === "string" ? value : undefined;
}

export function integerOption(env: CommandEnv, name: string): number {
  const text = stringOption(env, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive whole number`);
  return value;
}
