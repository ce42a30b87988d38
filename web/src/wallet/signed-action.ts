import type { MarketplaceClient, SignedTxInput } from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useCallback, useState } from "react";
import { useWallet } from "./wallet.tsx";

/** One action's progress: which one runs, what it says now, how it ended. */
export interface ActionState {
  readonly busy: string | undefined;
  readonly progress: string | undefined;
  readonly done: string | undefined;
  readonly error: unknown;
}

export interface SignedActionApi extends ActionState {
  /**
   * Runs `label`: `build` returns the unsigned transaction (nothing is signed if it throws), the wallet signs it,
   * the marketplace submits it (`POST /api/v1/transactions`), then `after` (e.g. wait for confirmation) says how it
   * ended. A refusal at any step is kept as `error`, and nothing after it happens.
   */
  run(
    label: string,
    steps: {
      build: () => Promise<Readonly<Record<string, unknown>>>;
      what: string;
      after?: (txId: string, report: (text: string) => void) => Promise<string>;
    },
  ): Promise<void>;
  /** Runs a step that signs nothing (a registration, a key). */
  plain(label: string, step: (report: (text: string) => void) => Promise<string>): Promise<void>;
}

export function useSignedAction(client: MarketplaceClient): SignedActionApi {
  const wallet = useWallet();
  const [state, setState] = useState<ActionState>({
    busy: undefined,
    progress: undefined,
    done: undefined,
    error: undefined,
  });
  const report = useCallback((progress: string) => setState((current) => ({ ...current, progress })), []);

  const plain = useCallback(
    async (label: string, step: (report: (text: string) => void) => Promise<string>) => {
      setState({ busy: label, progress: undefined, done: undefined, error: undefined });
      try {
        const done = await step(report);
        setState({ busy: undefined, progress: undefined, done, error: undefined });
      } catch (error) {
        setState({ busy: undefined, progress: undefined, done: undefined, error });
      }
    },
    [report],
  );

  const run = useCallback<SignedActionApi["run"]>(
    (label, { build, what, after }) =>
      plain(label, async (say) => {
        say("Building the transaction…");
        const unsigned = await build();
        say(`Sign ${what} in Nautilus.`);
        const signed: SignedTxInput = await wallet.sign(unsigned as UnsignedTransaction, what);
        say("Submitting…");
        const { txId } = await client.submitTransaction(signed);
        return after ? after(txId, say) : `Submitted ${what}: transaction ${txId.slice(0, 12)}…`;
      }),
    [plain, wallet, client],
  );

  return { ...state, run, plain };
}

/**
 * Polls `read` every second until it gives a value `done` accepts (`undefined`: not yet), or the time is up, which
 * throws saying what never happened. An error `read` throws ends the wait.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T | undefined>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Still waiting for ${what} after ${timeoutMs / 1000} s; reload later`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
