/** Where a command reports: progress lines on stderr for people, one result on stdout (text or JSON). */
export interface Output {
  /** A step of a long operation ("waiting for 1 confirmation…"); never part of the result. */
  progress(message: string): void;
  /** The command's result: `text` for people, `data` as JSON with `--json`. */
  result(data: unknown, text: string): void;
}

export interface OutputOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** The CLI's output: with `json`, stdout carries exactly one JSON document (bigints as strings). */
export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? ((text) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text) => process.stderr.write(text));
  return {
    progress(message) {
      if (!options.quiet) stderr(`${message}\n`);
    },
    result(data, text) {
      stdout(options.json ? `${toJson(data)}\n` : `${text}\n`);
    },
  };
}

/** JSON with bigints as decimal strings (GPUC units and nanoERG exceed 2^53). */
export function toJson(data: unknown): string {
  return JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2);
}
