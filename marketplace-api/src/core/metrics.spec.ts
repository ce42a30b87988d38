import { randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { ESCROW_TREE, registerProvider } from "../testing/fixtures.ts";
import { type Harness, startHarness } from "../testing/harness.ts";
import { MarketplaceMetrics } from "./metrics.ts";

const hex32 = () => randomBytes(32).toString("hex");

/** The value of one sample line (`name{labels} value`) of an exposition, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("MarketplaceMetrics", () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let tip = 10;

  beforeAll(async () => {
    h = await startHarness();
    const metrics = new MarketplaceMetrics({
      db: h.db,
      log: createLogger("marketplace-api", { level: "error" }),
      chainHeight: async () => tip,
      refreshMs: 0,
    });
    server = createApp(h.services, { metrics }).listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  const scrape = async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    return response.text();
  };

  it("Should count requests by route pattern, never by id, and 404s as unmatched", async () => {
    await fetch(`${url}/api/v1/status`);
    const id = randomUUID();
    await fetch(`${url}/api/v1/instances/${id}`);
    await fetch(`${url}/no/such/path`);
    const text = await scrape();
    expect(
      sample(text, 'gpuc_marketplace_http_requests_total{route="/api/v1/status",method="GET",status="200"}'),
    ).toBe(1);
    expect(
      sample(
        text,
        'gpuc_marketplace_http_requests_total{route="/api/v1/instances/:id",method="GET",status="401"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'gpuc_marketplace_http_requests_total{route="unmatched",method="GET",status="404"}'),
    ).toBe(1);
    expect(text).not.toContain(id);
    expect(
      sample(
        text,
        'gpuc_marketplace_http_request_duration_seconds_count{route="/api/v1/status",method="GET"}',
      ),
    ).toBe(1);
    expect(text).toContain("process_cpu_seconds_total");
  });

  it("Should count a heartbeat without a valid key as refused and a resolve without the arbiter scope as refused", async () => {
    const provider = randomUUID();
    await fetch(`${url}/api/v1/providers/${provider}/heartbeats`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer gpuc_nope" },
      body: "{}",
    });
    await fetch(`${url}/api/v1/instances/${randomUUID()}/resolve`, { method: "POST" });
    const text = await scrape();
    expect(sample(text, 'gpuc_marketplace_heartbeats_total{result="refused"}')).toBe(1);
    expect(sample(text, 'gpuc_marketplace_arbiter_resolves_total{result="refused"}')).toBe(1);
  });

  it("Should read rentals by state, GPUs, settlements, escrowed GPUC and the indexer lag from the database", async () => {
    const { provider } = await registerProvider(h);
    const [gpu] = await h.db.query<{ id: string }>("SELECT id FROM gpus WHERE provider_id = $1", [
      provider.id,
    ]);
    const insert = (state: string, extra: { reason?: string; settlementTx?: string; escrowBox?: string }) =>
      h.db.query(
        `INSERT INTO instances (id, consumer_address, provider_id, gpu_id, state, image, hours, price_per_hour,
           amount, close_reason, settlement_tx_id, escrow_box_id, created_at, updated_at)
         VALUES ($1, 'consumer', $2, $3, $4, 'img', 1, 1, 1, $5, $6, $7, now(), now())`,
        [
          randomUUID(),
          provider.id,
          gpu!.id,
          state,
          extra.reason ?? null,
          extra.settlementTx ?? null,
          extra.escrowBox ?? null,
        ],
      );
    await insert("Running", {});
    await insert("Running", {});
    await insert("Resolved", { reason: "arbiter", settlementTx: hex32(), escrowBox: hex32() });
    await insert("Failed", { reason: "provider_down", settlementTx: hex32(), escrowBox: hex32() });
    await insert("Failed", { reason: "provider_down", escrowBox: hex32() });
    await insert("Disputed", { settlementTx: hex32(), escrowBox: hex32() });
    // A provider_down refund signed (id persisted) whose submit failed: still Running, retried by the monitor.
    await insert("Running", { settlementTx: hex32(), escrowBox: hex32() });

    // An escrow of 1000 units claimed down to 600 by one transaction: 400 released, 600 locked.
    const claimTx = hex32();
    const box = (gpuc: bigint, txId: string) => ({
      boxId: hex32(),
      kind: "escrow" as const,
      txId,
      outputIndex: 0,
      ergoTree: ESCROW_TREE,
      value: 1_000_000n,
      assets: [],
      registers: {},
      creationHeight: 5,
      inclusionHeight: 5,
      gpuc,
    });
    const opened = box(1000n, hex32());
    await h.services.index.insertBox(opened);
    await h.services.index.markSpent([opened.boxId], claimTx, 6);
    await h.services.index.insertBox(box(600n, claimTx));
    await h.services.index.insertBlock({ height: 7, headerId: hex32(), parentId: hex32(), timestamp: 0 });
    tip = 12;

    const text = await scrape();
    expect(sample(text, 'gpuc_marketplace_instances{state="Running"}')).toBe(3);
    expect(sample(text, 'gpuc_marketplace_instances{state="Created"}')).toBe(0);
    expect(sample(text, "gpuc_marketplace_gpus_listed")).toBe(2);
    expect(sample(text, 'gpuc_marketplace_settlements_submitted_total{reason="arbiter"}')).toBe(1);
    expect(sample(text, 'gpuc_marketplace_settlements_submitted_total{reason="provider_down"}')).toBe(1);
    expect(sample(text, 'gpuc_marketplace_settlements_unsettled{reason="arbiter"}')).toBe(1);
    expect(sample(text, 'gpuc_marketplace_settlements_unsettled{reason="provider_down"}')).toBe(2);
    expect(sample(text, "gpuc_marketplace_escrow_locked_units")).toBe(600);
    expect(sample(text, "gpuc_marketplace_escrow_released_units_total")).toBe(400);
    expect(sample(text, "gpuc_marketplace_indexer_height")).toBe(7);
    expect(sample(text, "gpuc_marketplace_chain_height")).toBe(12);
    expect(sample(text, "gpuc_marketplace_indexer_lag_blocks")).toBe(5);
  });
});
