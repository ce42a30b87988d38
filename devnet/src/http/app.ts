import type { Logger } from "@gpuc/platform";
import express, { type Express } from "express";
import type { HttpContext } from "./context.ts";
import { errorHandler, sendError } from "./respond.ts";
import { blockchainRouter } from "./routes/blockchain.ts";
import { blocksRouter } from "./routes/blocks.ts";
import { devnetRouter } from "./routes/devnet.ts";
import { transactionsRouter } from "./routes/transactions.ts";
import { utxoRouter } from "./routes/utxo.ts";

/**
 * The Ergo node REST API subset the devnet serves (paths and JSON of ergoplatform/ergo `openapi.yaml`), plus
 * `/devnet/...` controls.
 */
export function createApp(ctx: HttpContext, log: Logger): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // Bodies are read as text: transactions keep exact amounts, and the node takes addresses as JSON or plain text.
  app.use(express.text({ type: () => true, limit: "4mb" }));
  app.use(blocksRouter(ctx));
  app.use(transactionsRouter(ctx));
  app.use(utxoRouter(ctx));
  app.use(blockchainRouter(ctx));
  app.use(devnetRouter(ctx));
  app.use((req, res) =>
    sendError(res, 404, "not-found", `The devnet does not serve ${req.method} ${req.path}`),
  );
  app.use(errorHandler(log));
  return app;
}
