import { Router } from "express";
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

/** Devnet-only controls under `/devnet`: faucet, mine, rollback. */
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

  return router;
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
