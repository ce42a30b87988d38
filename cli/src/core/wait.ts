import { WaitTimeoutError } from "./errors.ts";

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Called with each new observed value's description, for progress output. */
  readonly onChange?: (description: string) => void;
}

/**
 * Polls `read` until `done` holds and returns that value; `describe` names what is observed, so progress shows each
 * change once. Throws `WaitTimeoutError` saying what was awaited.
 */
export async function waitUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let last: string | undefined;
  for (;;) {
    const value = await read();
    const description = describe(value);
    if (description !== last) options.onChange?.(description);
    last = description;
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new WaitTimeoutError(`Gave up waiting for ${what} (last seen: ${description})`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
