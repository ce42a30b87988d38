/**
 * The lines of a UTF-8 byte stream (`\n` or `\r\n` ends a line; a last line without one is still given). Reads a
 * chunk only when the consumer asks for the next line, so a slow consumer holds the producer back (backpressure
 * through fetch down to the socket); leaving the loop early cancels the stream.
 *
 * @example
 * for await (const line of readLines(response.body!)) console.log(line);
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string, void, undefined> {
  let pending = "";
  for await (const text of decode(stream)) {
    pending += text;
    let end = pending.indexOf("\n");
    while (end >= 0) {
      yield pending.slice(0, end > 0 && pending[end - 1] === "\r" ? end - 1 : end);
      pending = pending.slice(end + 1);
      end = pending.indexOf("\n");
    }
  }
  if (pending) yield pending;
}

/** The decoded text of a stream's chunks, one string per chunk (multi-byte characters split across chunks kept whole). */
export async function* decode(stream: ReadableStream<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  for await (const chunk of chunks(stream)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The chunks of a stream, pulled one at a time; returning early (break, an exception in the loop) cancels it.
 * (`ReadableStream` is async-iterable in Node, not yet in every browser, hence the reader.)
 */
export async function* chunks(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
