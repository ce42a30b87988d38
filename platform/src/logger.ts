export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Field names whose values must never reach a log line, whatever component logs them.
const SECRET_KEY = /(secret|mnemonic|password|private|token|apikey|api_key|authorization|seed)/i;

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
}

/**
 * A structured logger: one JSON object per line on stderr, `{ time, level, component, event, ...fields }`.
 * Values under secret-looking keys are replaced by "[redacted]".
 *
 * @example
 * const log = createLogger("devnet");
 * log.info("BLOCK_MINED", { height: 12, txs: 3 });
 */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? defaultLevel()];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const make = (bound: LogFields): Logger => {
    const emit =
      (level: LogLevel) =>
      (event: string, fields: LogFields = {}) => {
        if (LEVELS[level] < threshold) return;
        write(
          JSON.stringify({
            time: new Date().toISOString(),
            level,
            component,
            event,
            ...redact({ ...bound, ...fields }),
          }),
        );
      };
    return {
      debug: emit("debug"),
      info: emit("info"),
      warn: emit("warn"),
      error: emit("error"),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

function defaultLevel(): LogLevel {
  const level = process.env.LOG_LEVEL;
  if (level === "debug" || level === "info" || level === "warn" || level === "error") return level;
  return process.env.NODE_ENV === "test" || process.env.VITEST ? "warn" : "info";
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = "[redacted]";
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else if (typeof value === "bigint") out[key] = value.toString();
    else out[key] = value;
  }
  return out;
}
