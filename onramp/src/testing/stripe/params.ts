// The request parameters the stand-in accepts, checked as Stripe checks them: unknown parameters, missing
// required ones and bad values are 400 `invalid_request_error`s naming the parameter in bracket notation.
import { z } from "zod";
import { StandInParamError } from "./errors.ts";

const integer = z.coerce.number().int();
// Stripe's metadata limits: 50 keys of at most 40 characters, values of at most 500.
const metadata = z
  .record(z.string().max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 50, "at most 50 keys");

const lineItem = z.strictObject({
  quantity: integer.min(1),
  price_data: z.strictObject({
    currency: z.string().regex(/^[a-z]{3}$/),
    unit_amount: integer.min(0),
    product_data: z.strictObject({ name: z.string().min(1), description: z.string().optional() }),
  }),
});

export const sessionCreateParams = z.strictObject({
  mode: z.literal("payment", { error: "the stand-in serves mode=payment only" }),
  line_items: z.array(lineItem).min(1),
  success_url: z.url().optional(),
  cancel_url: z.url().optional(),
  client_reference_id: z.string().max(200).optional(),
  customer_email: z.email().optional(),
  metadata: metadata.optional(),
  payment_intent_data: z.strictObject({ metadata: metadata.optional() }).optional(),
  expires_at: integer.optional(),
  expand: z.array(z.string()).optional(),
});
export type SessionCreateParams = z.infer<typeof sessionCreateParams>;

export const refundCreateParams = z.strictObject({
  payment_intent: z.string().optional(),
  charge: z.string().optional(),
  amount: integer.min(1).optional(),
  reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  metadata: metadata.optional(),
  expand: z.array(z.string()).optional(),
});
export type RefundCreateParams = z.infer<typeof refundCreateParams>;

export const expandOnly = z.strictObject({ expand: z.array(z.string()).optional() });

/** `body` (as qs parsed the form) checked against `schema`, or the 400 Stripe would answer. */
export function parseParams<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const param = bracket([...issue.path, issue.keys[0]!]);
    throw new StandInParamError(400, `Received unknown parameter: ${param}`, { param });
  }
  const param = bracket(issue.path);
  const missing = valueAt(body, issue.path) === undefined;
  const message = missing ? `Missing required param: ${param}.` : `Invalid ${param}: ${issue.message}`;
  throw new StandInParamError(400, message, {
    param,
    code: missing ? "parameter_missing" : "parameter_invalid",
  });
}

/** `["line_items", 0, "quantity"]` → `line_items[0][quantity]`, as Stripe names nested parameters. */
function bracket(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ""}${rest.map((part) => `[${part}]`).join("")}`;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = body;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = Reflect.get(node, key);
  }
  return node;
}
