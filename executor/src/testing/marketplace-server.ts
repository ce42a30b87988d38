import type { AddressInfo } from "node:net";
import {
  canonicalJson,
  heartbeatMessage,
  type InstanceEvent,
  type ReceiptBatch,
  type Rental,
  receiptBatchSchema,
  type SignedHeartbeat,
} from "@gpuc/sdk";
import express, { type Response } from "express";
import { verifyProviderSignature } from "../keys/provider-signer.ts";
import { heartbeatReceipt, instanceReply } from "./marketplace-replies.ts";

export interface TestMarketplace {
  readonly url: string;
  readonly rentals: Map<string, Rental>;
  readonly events: { instanceId: string; event: InstanceEvent }[];
  readonly heartbeats: SignedHeartbeat[];
  /** Receipt batches received, by tx id (a repeat with the same body is 200, another body 409). */
  readonly receiptBatches: Map<string, ReceiptBatch>;
  /** Heartbeats refused for a bad signature. */
  readonly forged: number;
  /** When set, every request fails with this status (an outage). */
  failWith: number | undefined;
  /** Open provider rental streams (`GET /api/v1/providers/{id}/instances/stream`). */
  readonly streams: Set<Response>;
  /** Pushes "this rental changed" to every open stream, as the marketplace does on a committed change. */
  pushRental(instanceId: string): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server with the marketplace's provider API shape, for executor tests: it checks the API key
 * and the heartbeat signatures, lists rentals, and applies reported events to their state.
 */
export async function startTestMarketplace(options: {
  providerId: string;
  apiKey: string;
  providerAddress: string;
}): Promise<TestMarketplace> {
  const app = express();
  app.use(express.json());
  const state = {
    rentals: new Map<string, Rental>(),
    events: [] as { instanceId: string; event: InstanceEvent }[],
    heartbeats: [] as SignedHeartbeat[],
    receiptBatches: new Map<string, ReceiptBatch>(),
    forged: 0,
    failWith: undefined as number | undefined,
    streams: new Set<Response>(),
  };
  let revision = 0;
  const pushRental = (instanceId: string) => {
    const rental = state.rentals.get(instanceId);
    const data = JSON.stringify({ type: "changed", instanceId, state: rental?.state ?? "Funded" });
    for (const res of state.streams) res.write(`event: rental\nid: ${++revision}\ndata: ${data}\n\n`);
  };
  app.use((req, res, next) => {
    if (state.failWith) return void res.status(state.failWith).json({ title: "outage" });
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return void res.status(401).json({ title: "bad api key" });
    }
    next();
  });
  app.post(`/api/v1/providers/${options.providerId}/heartbeats`, (req, res) => {
    const heartbeat = req.body as SignedHeartbeat;
    if (!verifyProviderSignature(options.providerAddress, heartbeatMessage(heartbeat), heartbeat.signature)) {
      state.forged++;
      return void res.status(400).json({ title: "bad signature" });
    }
    state.heartbeats.push(heartbeat);
    res.json(heartbeatReceipt());
  });
  app.put(`/api/v1/providers/${options.providerId}/receipt-batches/:txId`, (req, res) => {
    const parsed = receiptBatchSchema.safeParse(req.body);
    if (!parsed.success || parsed.data.txId !== req.params.txId) {
      return void res.status(422).json({ title: "Unprocessable Entity", detail: "not a receipt batch" });
    }
    const known = state.receiptBatches.get(req.params.txId);
    if (known && canonicalJson(known) !== canonicalJson(parsed.data)) {
      return void res.status(409).json({ title: "Conflict", detail: "another batch for this transaction" });
    }
    state.receiptBatches.set(req.params.txId, parsed.data);
    res.json({ txId: parsed.data.txId, root: parsed.data.root });
  });
  app.get(`/api/v1/providers/${options.providerId}/instances/stream`, (req, res) => {
    res.status(200).set({ "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    res.write(`retry: 200\n\nevent: rental\nid: \ndata: ${JSON.stringify({ type: "sync" })}\n\n`);
    state.streams.add(res);
    req.on("close", () => state.streams.delete(res));
  });
  app.get(`/api/v1/providers/${options.providerId}/instances`, (req, res) => {
    const wanted = String(req.query.state ?? "").split(",");
    // The marketplace's shape: `{ items: ExecutorInstance[] }`.
    res.json({ items: [...state.rentals.values()].filter((rental) => wanted.includes(rental.state)) });
  });
  app.post("/api/v1/instances/:id/events", (req, res) => {
    const event = req.body as InstanceEvent;
    state.events.push({ instanceId: req.params.id, event });
    const rental = state.rentals.get(req.params.id);
    if (!rental)
      return void res.status(404).json({ title: "Not Found", detail: `no rental ${req.params.id}` });
    state.rentals.set(rental.id, { ...rental, state: event.state });
    res.json(instanceReply(rental, event.state));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    pushRental,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
