import fc from "fast-check";
import { z } from "zod";

/** The subset of JSON Schema (draft 2020-12, as `z.toJSONSchema` writes it) that the generators read. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** Known-good values by property name (real ids of the world under test), mixed into the generated ones. */
export type Samples = (property: string) => readonly string[];

/**
 * The JSON Schema of a zod schema's input. Transforms, bigints and the like become `{}` (anything) rather than
 * failing, so every route gets a generator.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // zod's own JSON Schema type is the full draft; this reads only the members declared above.
  return z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    reused: "inline",
    cycles: "ref",
  }) as JsonSchema;
}

/**
 * Values that match `schema` (or nearly: a pattern fast-check cannot read becomes any short string), with
 * `samples` offered for string properties of those names.
 *
 * @example
 * fc.sample(arbitraryOf(jsonSchemaOf(z.object({ id: z.uuid() }))), 3); // [{ id: "…" }, …]
 */
export function arbitraryOf(
  schema: JsonSchema,
  samples: Samples = () => [],
  name = "",
): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((member) => arbitraryOf(member, samples, name)));
  if (schema.allOf?.[0]) return arbitraryOf(schema.allOf[0], samples, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return objectOf(schema, samples);
    case "array":
      return arrayOf(schema, samples, name);
    case "string":
      return withSamples(stringOf(schema), samples(name));
    case "integer":
    case "number":
      return numberOf(schema, type === "integer");
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function withSamples(arbitrary: fc.Arbitrary<unknown>, known: readonly string[]): fc.Arbitrary<unknown> {
  // Known ids half of the time: a generated uuid almost never names a row, so handlers past the 404 need them.
  return known.length ? fc.oneof(fc.constantFrom(...known), arbitrary) : arbitrary;
}

function objectOf(schema: JsonSchema, samples: Samples): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const record = Object.fromEntries(
    Object.entries(properties).map(([key, member]) => [key, arbitraryOf(member, samples, key)]),
  );
  const requiredKeys = (schema.required ?? []).filter((key) => key in properties);
  const fixed = fc.record(record, { requiredKeys });
  if (typeof schema.additionalProperties !== "object") return fixed;
  // A map-like object (`z.record`): keys from propertyNames, values from additionalProperties.
  const keys = schema.propertyNames ? stringOf(schema.propertyNames) : fc.string({ maxLength: 16 });
  const values = arbitraryOf(schema.additionalProperties, samples);
  return fc
    .tuple(fixed, fc.dictionary(keys, values, { maxKeys: 4 }))
    .map(([known, extra]) => ({ ...extra, ...(known as object) }));
}

function arrayOf(schema: JsonSchema, samples: Samples, name: string): fc.Arbitrary<unknown> {
  if (schema.prefixItems)
    return fc.tuple(...schema.prefixItems.map((item) => arbitraryOf(item, samples, name)));
  const minLength = schema.minItems ?? 0;
  const maxLength = Math.min(schema.maxItems ?? minLength + 4, minLength + 8);
  return fc.array(arbitraryOf(schema.items ?? {}, samples, name), { minLength, maxLength });
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "uuid") return fc.uuid();
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? minLength + 32, minLength + 64));
  if (schema.pattern) {
    const matching = patternOf(schema.pattern);
    // Stretched or cut to the length bounds: repeating a match of `^[class]+$` (most patterns here) still matches.
    if (matching)
      return matching.map((s) => fitLength(s, minLength, schema.maxLength ?? Number.MAX_SAFE_INTEGER));
  }
  return fc.string({ minLength, maxLength, unit: "grapheme-ascii" });
}

function fitLength(value: string, minLength: number, maxLength: number): string {
  let stretched = value || "a";
  while (stretched.length < minLength) stretched += stretched;
  return stretched.slice(0, maxLength);
}

function patternOf(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined;
  }
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum ?? Number.NaN) + (integer ? 1 : 1e-6);
  const max = schema.maximum ?? (schema.exclusiveMaximum ?? Number.NaN) - (integer ? 1 : 1e-6);
  const lower = Number.isFinite(min) ? min : -1e6;
  const upper = Number.isFinite(max) ? max : lower + 1e6;
  if (integer)
    return fc.integer({
      min: Math.max(Math.ceil(lower), Number.MIN_SAFE_INTEGER),
      max: Math.min(Math.floor(upper), Number.MAX_SAFE_INTEGER),
    });
  return fc.double({ min: lower, max: upper, noNaN: true, noDefaultInfinity: true });
}
