import { decode } from "@fleet-sdk/serializer";

/** Decodes a register's hex constant, or undefined when absent or malformed (chain data is untrusted). */
function constant(hex: string | undefined): unknown {
  if (!hex) return undefined;
  try {
    return decode(hex)?.data;
  } catch {
    return undefined;
  }
}

/** A `Coll[Byte]` register as hex. */
export function collBytesHex(hex: string | undefined): string | undefined {
  const data = constant(hex);
  return data instanceof Uint8Array ? Buffer.from(data).toString("hex") : undefined;
}

/** A `Coll[Long]` register. */
export function collLong(hex: string | undefined): bigint[] | undefined {
  const data = constant(hex);
  return Array.isArray(data) && data.every((item) => typeof item === "bigint") ? data : undefined;
}

/** An `Int` register. */
export function int(hex: string | undefined): number | undefined {
  const data = constant(hex);
  return typeof data === "number" ? data : undefined;
}
