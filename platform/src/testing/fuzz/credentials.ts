import fc from "fast-check";

/** `Authorization` values no service should accept: wrong schemes, empty, random, and unsigned JWTs. */
export const wrongAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    "Bearer  ",
    "bearer x y",
    "Basic dXNlcjpwYXNz",
    "Token abc",
    "Bearer gpuc_",
    "Bearer gpuc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Bearer sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "Bearer a.b.c",
    "Bearer ....",
    "Bearer %00",
  ),
  fc.string({ unit: "grapheme-ascii", maxLength: 200 }).map((s) => `Bearer ${printable(s)}`),
  fc.nat({ max: 4_000 }).map((n) => `Bearer ${"A".repeat(n)}`),
);

/**
 * A valid credential altered so that it must no longer pass: a character flipped, cut short, lengthened, or,
 * when it is a JWT, a claim of its payload edited with the signature kept (or its header set to `alg: none`).
 */
export function tamper(token: string): fc.Arbitrary<string> {
  const edits: fc.Arbitrary<string>[] = [
    fc.nat({ max: Math.max(token.length - 1, 0) }).map((at) => flip(token, at)),
    fc.nat({ max: Math.max(token.length - 1, 0) }).map((at) => token.slice(0, at)),
    fc.constantFrom("A", "=", ".", " x").map((tail) => token + tail),
  ];
  const [header, payload, signature] = token.split(".");
  if (header && payload && signature !== undefined) {
    const claims = decodeClaims(payload);
    if (claims) {
      const edit = fc.tuple(fc.constantFrom(...Object.keys(claims)), fc.jsonValue({ maxDepth: 1 }));
      edits.push(
        edit.map(([claim, value]) => `${header}.${encodeClaims({ ...claims, [claim]: value })}.${signature}`),
        fc.constant(`${b64(JSON.stringify({ alg: "none" }))}.${payload}.`),
      );
    }
  }
  return fc.oneof(...edits).map((altered) => `Bearer ${altered}`);
}

function flip(token: string, at: number): string {
  const char = token[at] === "A" ? "B" : "A";
  return token.slice(0, at) + char + token.slice(at + 1);
}

function decodeClaims(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const encodeClaims = (claims: Record<string, unknown>) => b64(JSON.stringify(claims));

/** Header values must be visible Latin-1: anything else never leaves the client. */
const printable = (value: string) => value.replace(/[^\x20-\x7e]/g, "?");
