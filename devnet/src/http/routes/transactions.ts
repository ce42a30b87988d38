import { Router } from "express";
import { DevnetNotFoundError } from "../../errors/index.ts";
import type { HttpContext } from "../context.ts";
import { idParam, paging } from "../params.ts";
import { sendJson } from "../respond.ts";
import { transactionWithInputsView } from "../views.ts";

/** `/transactions...`: submit, check, and the mempool. */
export function transactionsRouter(ctx: HttpContext): Router {
  const router = Router();
  const { chain } = ctx;

  router.post("/transactions", async (req, res) => {
    sendJson(res, await chain.submit(transactionBody(req.body)));
  });

  router.post("/transactions/check", async (req, res) => {
    sendJson(res, await chain.check(transactionBody(req.body)));
  });

  router.get("/transactions/unconfirmed", (req, res) => {
    const { offset, limit } = paging(req, 50);
    const entries = chain.mempool.entries().slice(offset, offset + limit);
    sendJson(
      res,
      entries.map((entry) => transactionWithInputsView(entry.parsed.tx, entry.inputs)),
    );
  });

  router.get("/transactions/unconfirmed/transactionIds", (_req, res) => {
    sendJson(
      res,
      chain.mempool.entries().map((entry) => entry.parsed.tx.id),
    );
  });

  router.get("/transactions/unconfirmed/byTransactionId/:txId", (req, res) => {
    const txId = idParam(req, "txId");
    const entry = chain.mempool.get(txId);
    if (!entry) throw new DevnetNotFoundError("Unconfirmed transaction", txId);
    sendJson(res, transactionWithInputsView(entry.parsed.tx, entry.inputs));
  });

  router.head("/transactions/unconfirmed/:txId", (req, res) => {
    res.status(chain.mempool.get(idParam(req, "txId")) ? 200 : 404).end();
  });

  return router;
}

// The body is read as text and handed to the parser as is, so amounts above 2^53 survive.
function transactionBody(body: unknown): string {
  return typeof body === "string" ? body : "";
}
