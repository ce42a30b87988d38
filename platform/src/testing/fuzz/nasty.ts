import fc from "fast-check";

/** Strings that break parsers, encoders, databases and log lines. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "\u202e\u0041\u0301",
    "👩‍👩‍👧‍👦",
    "'; DROP TABLE instances; --",
    "%s%n%x",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as a literal.
    "${7*7}{{7*7}}",
    "../../../../etc/passwd",
    "..%2f..%2f",
    "\r\nX-Injected: 1",
    "<script>alert(1)</script>",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "0x10",
    "true",
    "null",
    "__proto__",
    "constructor",
    "00000000-0000-0000-0000-000000000000",
  ),
  fc.string({ unit: "grapheme", maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.nat({ max: 300_000 }).map((n) => "x".repeat(n)),
  fc.nat({ max: 5_000 }).map((n) => "é😀".repeat(n)),
);

/** Numbers at and past every boundary a schema or a database column may have. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    -0.5,
    1e-320,
    2 ** 31,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 53,
    2 ** 63,
    2 ** 64,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER - 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value of the wrong kind, including deep nesting and `__proto__` keys. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.constantFrom(true, false, null, [], {}, [null], { __proto__: { admin: true } }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.nat({ max: 3_000 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Raw bodies that are not the JSON a route wants: malformed, truncated, huge, or another encoding. */
export const nastyRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    '{"a":',
    "{'a': 1}",
    '{"a": 1,}',
    "[1, 2",
    "\u0000",
    "\ufeff{}",
    "undefined",
    "NaN",
    '"just a string"',
    "123",
    "null",
    "[]",
    "true",
    "a=1&b=2",
    '{"__proto__": {"admin": true}}',
    '{"a": 1, "a": 2}',
  ),
  fc.nat({ max: 20_000 }).map((n) => "[".repeat(n)),
  fc.nat({ max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.string({ unit: "binary", maxLength: 256 }),
);

/** Content types a JSON route should refuse or ignore, not crash on. */
export const nastyContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "application/json; charset=nope",
  "application/xml",
  "application/*",
  "*/*",
  "application/json, text/plain",
  "garbage",
);

/** Path segment values that probe routing and decoding: encoded slashes, dot segments, bad escapes, long ids. */
export const pathTrick: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E%2E%2F%2E%2E",
    "a%2Fb",
    "a%2fb%2f..%2f..",
    "%00",
    "%ZZ",
    "%",
    "%E0%A4%A",
    "%C0%AF",
    "%u002e",
    "..;",
    "a;b=c",
    "%20",
    "%0d%0aX-Injected:%201",
    "%F0%9F%98%80",
    "%EF%BF%BD",
    "null",
    "undefined",
    "-1",
    "1e400",
    "__proto__",
  ),
  fc.nat({ max: 4_000 }).map((n) => "a".repeat(n)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);
