import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";

/** One POST as the receiver got it: the raw bytes (what the signature covers) and the signature header. */
export interface ReceivedWebhook {
  readonly body: Buffer;
  readonly signature: string | undefined;
}

export interface WebhookReceiver {
  /** Where to point the stand-in's webhook. */
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A bare webhook endpoint for tests: it keeps each request's raw body and `Stripe-Signature`, and answers
 * `answer(webhook)` (200 by default), so a test can check the signature itself or make deliveries fail.
 */
export async function startWebhookReceiver(
  answer: (webhook: ReceivedWebhook) => number = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const app = express();
  app.post("/webhook", express.raw({ type: "*/*" }), (req, res) => {
    const webhook = {
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      signature: req.get("stripe-signature"),
    };
    received.push(webhook);
    res.status(answer(webhook)).end();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
