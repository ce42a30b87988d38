// The HTTP client of `bench:devnet`, run in a worker thread: a real client is another process, so its request
// building and response parsing must not share the devnet's event loop. It is a load generator in the manner of
// wrk or autocannon: each request's bytes are built before the clock starts, written in one call on a keep-alive
// connection, and the response is read only as far as its status and Content-Length. node:http's client cost
// about as much CPU per request as the devnet's answer, and on two cores that CPU is taken from the server.
// Plain HTTP/1.1, no pipelining: each connection has one request in flight, as a wallet would.
import { connect, type Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";

export interface SubmitJob {
  readonly url: string;
  /** Signed transactions as JSON text, submitted in order. */
  readonly bodies: readonly string[];
  /** Connections, each with one request in flight. */
  readonly concurrency: number;
}

export type SubmitOutcome = { readonly ms: number } | { readonly error: string };

const HEADER_END = Buffer.from("\r\n\r\n");

function requestBytes(url: URL, body: string): Buffer {
  const head =
    `POST /transactions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** One keep-alive connection; `send` resolves to the next response's status and body. */
class Connection {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting:
    | { resolve: (response: { status: number; text: string }) => void; reject: (error: Error) => void }
    | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error) => this.#waiting?.reject(error));
    socket.on("close", () => this.#waiting?.reject(new Error("The devnet closed the connection")));
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
        socket.off("error", reject);
        resolve(new Connection(socket));
      });
      socket.once("error", reject);
    });
  }

  send(request: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const headerEnd = this.#buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffered.toString("latin1", 0, headerEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const end = headerEnd + HEADER_END.length + length;
    if (this.#buffered.length < end) return;
    const status = Number(head.slice(9, 12));
    const text = this.#buffered.toString("utf8", headerEnd + HEADER_END.length, end);
    this.#buffered = this.#buffered.subarray(end);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ status, text });
  }
}

async function submitAll(job: SubmitJob): Promise<number> {
  const url = new URL(job.url);
  const requests = job.bodies.map((body) => requestBytes(url, body));
  const connections = await Promise.all(Array.from({ length: job.concurrency }, () => Connection.open(url)));
  let next = 0;
  const run = async (connection: Connection) => {
    while (next < requests.length) {
      const { status, text } = await connection.send(requests[next++]!);
      if (status !== 200) throw new Error(`A transfer was rejected (${status}): ${text}`);
    }
  };
  const started = performance.now();
  try {
    await Promise.all(connections.map(run));
    return performance.now() - started;
  } finally {
    for (const connection of connections) connection.close();
  }
}

if (parentPort) {
  const port = parentPort;
  submitAll(workerData as SubmitJob).then(
    (ms) => port.postMessage({ ms } satisfies SubmitOutcome),
    (error: unknown) => port.postMessage({ error: String(error) } satisfies SubmitOutcome),
  );
}
