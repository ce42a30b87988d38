import { ExecutorClient, type MarketplaceClient } from "@gpuc/sdk";
import { useEffect, useRef, useState } from "react";
import { describeError } from "./status.tsx";

// The page keeps the last lines only: a chatty container must not grow the tab without bound.
const MAX_LINES = 2_000;
const RETRY_MS = 2_000;

/**
 * The container's logs, followed live through the provider's executor with an instance credential scoped to
 * `logs`. Lines are read only as fast as the page takes them: while paused nothing is read, so the executor's
 * stream (and the container's pipe behind it) waits, which is backpressure, not buffering.
 */
export function LiveLogs({
  client,
  instanceId,
  executorUrl,
}: {
  client: MarketplaceClient;
  instanceId: string;
  executorUrl: string;
}) {
  const [lines, setLines] = useState<string[]>([]);
  const [status, setStatus] = useState("Connecting to the executor…");
  const [paused, setPaused] = useState(false);
  const resume = useRef<(() => void) | undefined>(undefined);
  const pausedRef = useRef(false);
  const view = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    let pending: string[] = [];
    let frame = 0;
    // One render per frame however many lines arrive in it.
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setLines((current) => [...current, ...batch].slice(-MAX_LINES));
    };
    const read = async () => {
      const credential = await client.issueCredential(instanceId, ["logs"], { signal: abort.signal });
      const executor = new ExecutorClient({ baseUrl: executorUrl, auth: credential.token });
      const stream = await executor.logs(instanceId, { follow: true, tail: 200, signal: abort.signal });
      setStatus("Following");
      setLines([]); // the tail again after a reconnect, not twice
      for await (const line of stream) {
        pending.push(line);
        if (!frame) frame = requestAnimationFrame(flush);
        if (pausedRef.current) await new Promise<void>((wake) => (resume.current = wake));
      }
    };
    // A container still being created has no logs yet, and a dropped stream is picked up again: retry while shown.
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          await read();
          setStatus("The log stream ended; reconnecting…");
        } catch (error) {
          if (abort.signal.aborted) return;
          setStatus(`Logs unavailable (${describeError(error)}); retrying…`);
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    };
    void follow();
    return () => {
      abort.abort();
      resume.current?.();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [client, instanceId, executorUrl]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the tail each time lines arrive
  useEffect(() => {
    const element = view.current;
    if (element && !paused) element.scrollTop = element.scrollHeight;
  }, [lines, paused]);

  const toggle = () => {
    pausedRef.current = !paused;
    setPaused(!paused);
    if (paused) {
      resume.current?.();
      resume.current = undefined;
    }
  };
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <div className="row">
        <span className="muted" role="status">
          {paused ? "Paused (the executor waits)" : status}
        </span>
        <button type="button" className="secondary" onClick={toggle}>
          {paused ? "Resume" : "Pause"}
        </button>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled from the keyboard */}
      <div className="logs" ref={view} role="log" aria-label="Container logs" tabIndex={0}>
        <pre data-testid="logs">{lines.join("\n") || " "}</pre>
      </div>
    </section>
  );
}
