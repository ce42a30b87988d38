import fc from "fast-check";
import type { RouteInfo } from "../../http/route.ts";
import { wrongAuthorization } from "./credentials.ts";
import { arbitraryOf, jsonSchemaOf, type Samples } from "./json-schema.ts";
import { nastyContentType, nastyRawBody, nastyString, nastyValue, pathTrick } from "./nasty.ts";

/** One generated request, as sent and as reported. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Which credential it carries: none, a wrong one, a valid one, or a valid one tampered with. */
  readonly credential: CredentialKind;
  /** How the request was made: `valid` follows every schema; the others each break one thing. */
  readonly shape: string;
  /** Seeds the tampering of a valid credential, so a run replays from its seed. */
  readonly seed: number;
}

export type CredentialKind = "none" | "wrong" | "valid" | "tampered";

const METHODS_WITH_BODY = new Set(["post", "put", "patch", "delete"]);
// Node answers 431 itself, before the app, to a request line and headers over 16 KB: stay under it
// (percent-encoded values, path tricks and long credentials together).
const MAX_QUERY_VALUE = 2_000;

type Parts = { path: string; query: string; body?: string; contentType?: string; shape: string };

/**
 * Requests for `route`, schema-aware (values from its zod schemas, ids from `samples`) and schema-breaking:
 * wrong types, nasty strings and numbers, missing and extra fields, bad JSON, wrong content types, path tricks.
 * A `wrong` credential is in the headers already; a `valid` or `tampered` one is left to the caller, who holds the
 * credentials.
 */
export function requestsFor(route: RouteInfo, samples: Samples): fc.Arbitrary<FuzzRequest> {
  const valid = { params: partOf(route.params, samples), query: partOf(route.query, samples) };
  const body = route.body ? arbitraryOf(jsonSchemaOf(route.body), samples) : fc.constant(undefined);
  const parts: fc.Arbitrary<Parts> = fc.oneof(
    { weight: 4, arbitrary: validRequest(route, valid, body) },
    { weight: 2, arbitrary: brokenBody(route, valid, body) },
    { weight: 2, arbitrary: brokenQuery(route, valid) },
    { weight: 2, arbitrary: brokenPath(route, valid) },
    { weight: 1, arbitrary: wrongContentType(route, valid, body) },
  );
  const credential = fc.constantFrom<CredentialKind>("none", "wrong", "valid", "valid", "tampered");
  return fc.tuple(parts, credential, wrongAuthorization, fc.nat()).map(([p, kind, wrong, seed]) => ({
    method: route.method.toUpperCase(),
    path: p.query ? `${p.path}?${p.query}` : p.path,
    headers: {
      ...(p.contentType === undefined ? {} : { "content-type": p.contentType }),
      ...(kind === "wrong" ? { authorization: wrong } : {}),
    },
    ...(p.body === undefined ? {} : { body: p.body }),
    credential: kind,
    shape: p.shape,
    seed,
  }));
}

type Part = fc.Arbitrary<Record<string, unknown>>;
interface ValidParts {
  readonly params: Part;
  readonly query: Part;
}

function partOf(schema: RouteInfo["params"], samples: Samples): Part {
  if (!schema) return fc.constant({});
  return arbitraryOf(jsonSchemaOf(schema), samples).map((value) =>
    value && typeof value === "object" ? (value as Record<string, unknown>) : {},
  );
}

function validRequest(route: RouteInfo, valid: ValidParts, body: fc.Arbitrary<unknown>): fc.Arbitrary<Parts> {
  return fc.tuple(valid.params, valid.query, body).map(([params, query, value]) => ({
    path: fillPath(route.path, params),
    query: queryString(query),
    ...jsonBody(route, value),
    shape: "valid",
  }));
}

function brokenBody(route: RouteInfo, valid: ValidParts, body: fc.Arbitrary<unknown>): fc.Arbitrary<Parts> {
  const broken = fc.oneof(
    fc.tuple(body, fc.nat(), nastyValue).map(([value, at, nasty]) => ({
      body: JSON.stringify(replaceField(value, at, nasty)),
      shape: "body:wrong-field",
    })),
    fc.tuple(body, fc.nat()).map(([value, at]) => ({
      body: JSON.stringify(dropField(value, at)),
      shape: "body:missing-field",
    })),
    fc.tuple(body, nastyString, nastyValue).map(([value, key, extra]) => ({
      body: JSON.stringify(addField(value, key, extra)),
      shape: "body:extra-field",
    })),
    nastyValue.map((value) => ({ body: JSON.stringify(value) ?? "null", shape: "body:wrong-type" })),
    nastyRawBody.map((raw) => ({ body: raw, shape: "body:bad-json" })),
  );
  return fc.tuple(valid.params, valid.query, broken).map(([params, query, b]) => ({
    path: fillPath(route.path, params),
    query: queryString(query),
    body: b.body,
    contentType: "application/json",
    shape: b.shape,
  }));
}

function brokenQuery(route: RouteInfo, valid: ValidParts): fc.Arbitrary<Parts> {
  const key = fc.oneof(fc.constantFrom(...queryKeys(route)), nastyString);
  const value = fc.oneof(
    nastyString,
    nastyValue.map((v) => JSON.stringify(v) ?? ""),
  );
  const pairs = fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 });
  const raw = fc.constantFrom("%", "%ZZ", "a=%E0%A4%A", "a[b]=1", "a[]=1&a[]=2", "&&&", "=", "a==b");
  return fc
    .tuple(valid.params, valid.query, pairs, raw, fc.boolean())
    .map(([params, query, extra, r, useRaw]) => {
      const encoded = extra.map(([k, v]) => `${enc(k, 200)}=${enc(v, MAX_QUERY_VALUE)}`).join("&");
      const base = queryString(query);
      return {
        path: fillPath(route.path, params),
        // Repeating a key the route knows makes the simple parser hand zod an array where it wants a string.
        query: [base, useRaw ? r : encoded].filter(Boolean).join("&"),
        shape: useRaw ? "query:raw" : "query:wrong-value",
      };
    });
}

function brokenPath(route: RouteInfo, valid: ValidParts): fc.Arbitrary<Parts> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
  const suffix = fc.constantFrom("", "/", "//", "/..", "/%2e%2e", "/x", "?", "#x", ";x", "/%2F");
  return fc
    .tuple(valid.params, fc.array(pathTrick, { minLength: 1, maxLength: 2 }), suffix)
    .map(([params, tricks, tail]) => {
      // One parameter tricked at a time, the others real, so the trick is what the route sees first.
      const real = Object.fromEntries(names.map((name) => [name, enc(String(params[name] ?? ""))]));
      const tricked = { ...real, ...(names[0] ? { [names[0]]: tricks.join("/") } : {}) };
      // A route without parameters is probed with a trailing trick instead.
      const path = names.length ? fillPath(route.path, tricked, false) : `${route.path}/${tricks[0]}`;
      return { path: `${path}${tail}`.replace(/#.*$/, ""), query: "", shape: "path:trick" };
    });
}

function wrongContentType(
  route: RouteInfo,
  valid: ValidParts,
  body: fc.Arbitrary<unknown>,
): fc.Arbitrary<Parts> {
  return fc.tuple(valid.params, body, nastyContentType).map(([params, value, contentType]) => ({
    path: fillPath(route.path, params),
    query: "",
    body: JSON.stringify(value ?? { a: 1 }),
    ...(contentType === undefined ? {} : { contentType }),
    shape: "content-type",
  }));
}

function jsonBody(route: RouteInfo, value: unknown): { body?: string; contentType?: string } {
  if (!METHODS_WITH_BODY.has(route.method) || value === undefined) return {};
  return { body: JSON.stringify(value), contentType: "application/json" };
}

/** Percent-encoded (lone surrogates replaced: encodeURIComponent throws on them), at most `max` characters. */
function enc(value: string, max = Number.POSITIVE_INFINITY): string {
  const encoded = encodeURIComponent(value.replace(/[\ud800-\udfff]/g, "\ufffd"));
  if (encoded.length <= max) return encoded;
  // Cut before an escape, not inside one, so the value stays valid percent-encoding.
  const cut = encoded.lastIndexOf("%", max);
  return encoded.slice(0, cut > max - 3 ? cut : max);
}

/** `/x/{id}` with `id` filled in, percent-encoded unless the value is a path trick already. */
function fillPath(template: string, params: Record<string, unknown>, encode = true): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(params[name] ?? "");
    return encode ? enc(value) : value;
  });
}

function queryString(query: Record<string, unknown>): string {
  return Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${enc(key, 200)}=${enc(String(value), MAX_QUERY_VALUE)}`)
    .join("&");
}

function queryKeys(route: RouteInfo): string[] {
  const keys = Object.keys(route.query?.shape ?? {});
  return keys.length ? keys : ["q"];
}

function fieldsOf(value: unknown): string[] {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
}

function replaceField(value: unknown, at: number, nasty: unknown): unknown {
  const keys = fieldsOf(value);
  const key = keys[at % Math.max(keys.length, 1)];
  return key === undefined ? nasty : { ...(value as object), [key]: nasty };
}

function dropField(value: unknown, at: number): unknown {
  const keys = fieldsOf(value);
  const key = keys[at % Math.max(keys.length, 1)];
  if (key === undefined) return {};
  const { [key]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest;
}

function addField(value: unknown, key: string, extra: unknown): unknown {
  return value && typeof value === "object" && !Array.isArray(value)
    ? { ...value, [key]: extra }
    : { [key]: extra };
}
