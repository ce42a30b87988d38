import { type Response, Router } from "express";
import { z } from "zod";
import { DevnetBadRequestError } from "../../errors/index.ts";
import type { HttpContext } from "../context.ts";
import { sendJson } from "../respond.ts";

const amount = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(BigInt);
const faucetBody = z.object({
  address: z.string().min(1),
  nanoErgs: amount,
  tokens: z
    .array(
      z.object({
        amount,
        name: z.string().optional(),
        decimals: z.number().int().min(0).max(18).optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
});
const rollbackBody = z.object({ blocks: z.number().int(), dropTransactions: z.boolean().optional() });
/** A long-poll is held at most a minute: proxies and clients drop idle requests not far above that. */
const MAX_WAIT_MS = 60_000;
const nextBlockQuery = z.object({
  above: z.coerce.number().int().nonnegative(),
  timeoutMs: z.coerce.number().int().min(0).max(MAX_WAIT_MS).default(30_000),
});

/** Devnet-only controls under `/devnet`: faucet, mine, rollback, and the long-poll for the next block. */
export function devnetRouter(ctx: HttpContext): Router {
  const router = Router();

  router.post("/devnet/faucet", async (req, res) => {
    const body = parseBody(faucetBody, req.body);
    sendJson(res, await ctx.faucet(body.address, { nanoErgs: body.nanoErgs, tokens: body.tokens }));
  });

  router.post("/devnet/mine", async (_req, res) => {
    sendJson(res, await ctx.mine());
  });

  router.post("/devnet/rollback", async (req, res) => {
    const body = parseBody(rollbackBody, req.body);
    sendJson(res, await ctx.rollback(body.blocks, { dropTransactions: body.dropTransactions }));
  });

  // A chain follower's push (the node API has none): answers `{ height }` as soon as the tip is not at `above`
  // (a block mined or blocks rolled back), or once `timeoutMs` has passed with the tip unchanged.
  router.get("/devnet/blocks/next", async (req, res) => {
    const query = nextBlockQuery.safeParse(req.query);
    if (!query.success)
      throw new DevnetBadRequestError(
        `above must be a height and timeoutMs an integer 0..${MAX_WAIT_MS}: ${query.error.issues[0]?.message}`,
      );
    if (ctx.chain.height === query.data.above) await tipChange(ctx, query.data.timeoutMs, res);
    if (!res.destroyed) sendJson(res, { height: ctx.chain.height });
  });

  return router;
}

/** Resolves on the next change of the tip, after `timeoutMs`, or when the client goes away. */
function tipChange(ctx: HttpContext, timeoutMs: number, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = ctx.chain.onTipChange(done);
    res.on("close", done);
  });
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  let json: unknown;
  try {
    // Amounts above 2^53 must arrive as strings here; numbers are fine below that.
    json = typeof body === "string" && body.trim() ? JSON.parse(body) : {};
  } catch {
    throw new DevnetBadRequestError("The body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DevnetBadRequestError(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}
