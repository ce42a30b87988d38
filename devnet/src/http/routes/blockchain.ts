import { Router } from "express";
import { ergoTreeOfAddress } from "../../chain/address.ts";
import { type BoxSelector, unspentBoxes } from "../../chain/queries.ts";
import { DevnetBadRequestError, DevnetNotFoundError } from "../../errors/index.ts";
import type { HttpContext } from "../context.ts";
import { idParam, stringBody, unspentQuery } from "../params.ts";
import { sendJson } from "../respond.ts";
import { fromIndexed, indexedBoxView, indexedTransactionView } from "../views.ts";

/** `/blockchain/...`: the node's extra index (`extraIndex = true`), which the devnet always has. */
export function blockchainRouter(ctx: HttpContext): Router {
  const router = Router();
  const { chain } = ctx;

  const listUnspent = async (selector: BoxSelector, req: Parameters<typeof unspentQuery>[0]) => {
    const boxes = await unspentBoxes(chain, selector, unspentQuery(req));
    return boxes.map((listed) => indexedBoxView(listed, ctx.network));
  };

  router.get("/blockchain/indexedHeight", (_req, res) => {
    sendJson(res, { indexedHeight: chain.height, fullHeight: chain.height });
  });

  router.post("/blockchain/box/unspent/byAddress", async (req, res) => {
    sendJson(res, await listUnspent({ ergoTree: ergoTreeOfAddress(stringBody(req)) }, req));
  });

  router.get("/blockchain/box/unspent/byAddress/:address", async (req, res) => {
    sendJson(res, await listUnspent({ ergoTree: ergoTreeOfAddress(String(req.params.address)) }, req));
  });

  router.post("/blockchain/box/unspent/byErgoTree", async (req, res) => {
    sendJson(res, await listUnspent({ ergoTree: ergoTreeBody(stringBody(req)) }, req));
  });

  router.get("/blockchain/box/unspent/byTokenId/:tokenId", async (req, res) => {
    sendJson(res, await listUnspent({ tokenId: idParam(req, "tokenId") }, req));
  });

  router.get("/blockchain/box/byId/:boxId", async (req, res) => {
    const boxId = idParam(req, "boxId");
    const indexed = await chain.store.box(boxId);
    if (!indexed) throw new DevnetNotFoundError("Box", boxId);
    sendJson(res, indexedBoxView(fromIndexed(indexed), ctx.network));
  });

  router.get("/blockchain/transaction/byId/:txId", async (req, res) => {
    const txId = idParam(req, "txId");
    const stored = await chain.store.confirmedTransaction(txId);
    const block = stored && (await chain.store.blockAt(stored.height));
    if (!stored || !block) throw new DevnetNotFoundError("Transaction", txId);
    const boxIds = [...stored.tx.inputs, ...stored.tx.outputs].map((box) => box.boxId);
    const boxes = await chain.store.boxes(boxIds);
    sendJson(
      res,
      indexedTransactionView({ stored, block, tipHeight: chain.height, boxes, network: ctx.network }),
    );
  });

  return router;
}

function ergoTreeBody(text: string): string {
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) {
    throw new DevnetBadRequestError("The body must be an ErgoTree as a hex JSON string");
  }
  return text.toLowerCase();
}
