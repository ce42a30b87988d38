import { Router } from "express";
import { DevnetBadRequestError, DevnetNotFoundError } from "../../errors/index.ts";
import type { HttpContext } from "../context.ts";
import { idParam, integerPathParam, MAX_ITEMS, paging } from "../params.ts";
import { sendJson } from "../respond.ts";
import { blockTransactionsView, fullBlockView, infoView } from "../views.ts";

/** `/info` and `/blocks/...`. */
export function blocksRouter(ctx: HttpContext): Router {
  const router = Router();
  const { chain } = ctx;

  router.get("/info", async (_req, res) => {
    sendJson(
      res,
      infoView({
        tip: chain.tip,
        genesisBlockId: await ctx.genesisBlockId(),
        unconfirmedCount: chain.mempool.size,
        launchTime: ctx.launchTime,
        isMining: ctx.isMining,
        network: ctx.network,
      }),
    );
  });

  router.get("/blocks", async (req, res) => {
    // The node's default first height is 1 here (offset is a height).
    const { limit } = paging(req, 50);
    const from = req.query.offset === undefined ? 1 : paging(req, limit).offset;
    const ids: string[] = [];
    for (let height = from; height < from + limit && height <= chain.height; height++) {
      const block = await chain.store.blockAt(height);
      if (block) ids.push(block.header.id);
    }
    sendJson(res, ids);
  });

  router.get("/blocks/lastHeaders/:count", async (req, res) => {
    const count = integerPathParam(req, "count");
    if (count < 0 || count > MAX_ITEMS) {
      throw new DevnetBadRequestError(`No more than ${MAX_ITEMS} headers can be requested`);
    }
    sendJson(res, await chain.lastHeaders(count));
  });

  router.get("/blocks/at/:height", async (req, res) => {
    const block = await chain.store.blockAt(integerPathParam(req, "height"));
    sendJson(res, block ? [block.header.id] : []);
  });

  router.get("/blocks/:headerId/header", async (req, res) => {
    sendJson(res, (await blockById(ctx, idParam(req, "headerId"))).header);
  });

  router.get("/blocks/:headerId/transactions", async (req, res) => {
    const block = await blockById(ctx, idParam(req, "headerId"));
    sendJson(res, blockTransactionsView(block, await chain.store.blockTransactions(block.header.height)));
  });

  router.get("/blocks/:headerId", async (req, res) => {
    const block = await blockById(ctx, idParam(req, "headerId"));
    sendJson(res, fullBlockView(block, await chain.store.blockTransactions(block.header.height)));
  });

  return router;
}

async function blockById(ctx: HttpContext, headerId: string) {
  const block = await ctx.chain.store.blockById(headerId);
  if (!block) throw new DevnetNotFoundError("Block", headerId);
  return block;
}
