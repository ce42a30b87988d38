// The HTTP client of `bench:devnet`, run in a worker thread: a real client is another process, so its request
// building and response parsing must not share the devnet's event loop (under fetch in the same thread they cost
// more than the devnet's own work per transaction). Keep-alive connections, `concurrency` requests in flight.
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export interface SubmitJob {
  readonly url: string;
  /** Signed transactions as JSON text, submitted in order. */
  readonly bodies: readonly string[];
  readonly concurrency: number;
}

export type SubmitOutcome = { readonly ms: number } | { readonly error: string };

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: "/transactions",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function submitAll(job: SubmitJob): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const url = new URL(job.url);
  let next = 0;
  const worker = async () => {
    while (next < job.bodies.length) {
      const body = job.bodies[next++]!;
      const { status, text } = await post(agent, url, body);
      if (status !== 200) throw new Error(`A transfer was rejected (${status}): ${text}`);
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: job.concurrency }, worker));
    return performance.now() - started;
  } finally {
    agent.destroy();
  }
}

if (parentPort) {
  const port = parentPort;
  submitAll(workerData as SubmitJob).then(
    (ms) => port.postMessage({ ms } satisfies SubmitOutcome),
    (error: unknown) => port.postMessage({ error: String(error) } satisfies SubmitOutcome),
  );
}
