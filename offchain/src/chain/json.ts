/**
 * Parses the node's JSON keeping ERG values and token amounts exact: the node writes them as JSON numbers,
 * which lose precision above 2^53, so they are turned into decimal strings (Fleet's amount type) before parsing.
 */
export function parseNodeJson<T>(text: string): T {
  return JSON.parse(text.replace(/"(value|amount|emissionAmount)"\s*:\s*(\d+)/g, '"$1":"$2"')) as T;
}

/** Serialises a transaction for the node: bigint amounts become plain JSON numbers, as the node expects. */
export function stringifyForNode(value: unknown): string {
  const marked = JSON.stringify(value, (key, field) =>
    (key === "value" || key === "amount") && (typeof field === "string" || typeof field === "bigint")
      ? `#big#${field}`
      : field,
  );
  return marked.replace(/"#big#(\d+)"/g, "$1");
}
