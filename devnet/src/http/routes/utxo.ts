import { Router } from "express";
import { DevnetNotFoundError } from "../../errors/index.ts";
import type { HttpContext } from "../context.ts";
import { idParam } from "../params.ts";
import { sendJson } from "../respond.ts";
import { boxView } from "../views.ts";

/** `/utxo/...`: unspent boxes, confirmed only or with the mempool applied. */
export function utxoRouter(ctx: HttpContext): Router {
  const router = Router();
  const { chain } = ctx;

  router.get("/utxo/byId/:boxId", async (req, res) => {
    const boxId = idParam(req, "boxId");
    const indexed = await chain.store.box(boxId);
    if (!indexed || indexed.spentTransactionId !== null) throw new DevnetNotFoundError("Unspent box", boxId);
    sendJson(res, boxView(indexed.box));
  });

  router.get("/utxo/withPool/byId/:boxId", async (req, res) => {
    const boxId = idParam(req, "boxId");
    const state = await chain.boxWithPool(boxId);
    if (state?.status !== "unspent") throw new DevnetNotFoundError("Unspent box", boxId);
    sendJson(res, boxView(state.box));
  });

  return router;
}
