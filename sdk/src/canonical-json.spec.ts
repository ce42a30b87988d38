import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonBytes, type Json } from "./canonical-json.ts";
import { CanonicalJsonError } from "./errors.ts";

// Vectors the marketplace's, the executor's and offchain's former copies all produced byte for byte: a change
// here changes every heartbeat signature and listing hash.
const HEARTBEAT = {
  providerId: "6f1c1f43-8a59-4c34-9d0e-2f4b3c1d2e10",
  timestamp: "2030-01-01T00:00:00.000Z",
  gpus: [
    {
      index: 0,
      uuid: "GPU-1",
      name: "RTX 4090",
      memoryTotalMiB: 24564,
      memoryUsedMiB: null,
      utilizationPercent: 3,
      temperatureC: 41,
      powerDrawW: 27.5,
      driverVersion: "550.54.15",
    },
  ],
  instances: [{ id: "0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a", state: "Running", runningSeconds: 3600 }],
  endpoint: "https://gpu.example:8090",
};
const HEARTBEAT_JSON =
  '{"endpoint":"https://gpu.example:8090","gpus":[{"driverVersion":"550.54.15","index":0,"memoryTotalMiB":24564,"memoryUsedMiB":null,"name":"RTX 4090","powerDrawW":27.5,"temperatureC":41,"utilizationPercent":3,"uuid":"GPU-1"}],"instances":[{"id":"0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a","runningSeconds":3600,"state":"Running"}],"providerId":"6f1c1f43-8a59-4c34-9d0e-2f4b3c1d2e10","timestamp":"2030-01-01T00:00:00.000Z"}';

describe("canonicalJson", () => {
  it("Should write a heartbeat body exactly as every signer and verifier always has", () => {
    expect(canonicalJson(HEARTBEAT)).toBe(HEARTBEAT_JSON);
    expect(new TextDecoder().decode(canonicalJsonBytes(HEARTBEAT))).toBe(HEARTBEAT_JSON);
  });

  it("Should sort keys by UTF-16 code units, escape as JSON does, and write numbers as JavaScript does", () => {
    const odd = {
      z: 1,
      é: 2,
      Z: 3,
      "\u{1F600}": 4,
      "\uFFFF": 5,
      "a\u0000": '\u2028"\\\n',
      "": -0,
      n: 1e21,
      f: 0.1,
    };
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FFFF although its code point is higher.
    expect(canonicalJson(odd)).toBe(
      '{"":0,"Z":3,"a\\u0000":"\u2028\\"\\\\\\n","f":0.1,"n":1e+21,"z":1,"é":2,"\u{1F600}":4,"\uFFFF":5}',
    );
  });

  it("Should write bigints as decimal strings and leave undefined members out", () => {
    expect(canonicalJson({ price: 1_500_000n, big: 2n ** 70n, gone: undefined, list: [1n] })).toBe(
      '{"big":"1180591620717411303424","list":["1"],"price":"1500000"}',
    );
  });

  it("Should refuse what JSON cannot carry instead of writing it lossily", () => {
    const refused: [unknown, string][] = [
      [{ a: Number.NaN }, "a"],
      [{ a: [1, Number.POSITIVE_INFINITY] }, "a[1]"],
      [[undefined], "[0]"],
      [{ at: new Date(0) }, "at"],
      [{ m: new Map() }, "m"],
      [{ f: () => 1 }, "f"],
      [Symbol("s"), ""],
    ];
    for (const [value, path] of refused) {
      const error = (() => {
        try {
          canonicalJson(value as Json);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(CanonicalJsonError);
      expect((error as CanonicalJsonError).path).toBe(path);
    }
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle as Json)).toThrow(/cycle/);
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(() => canonicalJson(deep)).toThrow(/nesting deeper than 256 levels/);
    // The same object twice is no cycle.
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}');
  });

  it("Should give the same bytes whatever the key order, and parse back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value as Json);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversed(value as Json))).toBe(text);
        expect(text).not.toMatch(/^\s|\s$/);
      }),
    );
  });
});

/** The same value with every object's keys in reverse insertion order. */
function reversed(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversed);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, item === undefined ? item : reversed(item)]),
    );
  }
  return value;
}
