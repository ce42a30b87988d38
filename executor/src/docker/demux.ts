import { Transform, type TransformCallback } from "node:stream";
import { ExecutorError } from "../errors.ts";

/** Which output a payload came from. Docker's stdin (0) counts as stdout, its systemerr (3) as stderr. */
export type StreamKind = "stdout" | "stderr";

const HEADER_BYTES = 8;

/** The Docker engine sent bytes that are not its multiplexed stream format. */
export class MalformedDockerStreamError extends ExecutorError {
  constructor(readonly streamType: number) {
    super(
      `Docker sent a stream frame of unknown type ${streamType}; the container must not use a TTY (logs and exec of TTY containers are not multiplexed)`,
    );
  }
}

function kindOf(streamType: number): StreamKind {
  if (streamType === 0 || streamType === 1) return "stdout";
  if (streamType === 2 || streamType === 3) return "stderr";
  throw new MalformedDockerStreamError(streamType);
}

/**
 * Incremental parser of Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, payload size as
 * uint32 big-endian; then the payload). A loop, not recursion, so any number of frames in one chunk is fine
 * (docker-modem's demuxStream recursed once per frame and overflowed the stack on long logs). Payloads are
 * handed on as views into the incoming chunk, part by part as they arrive: nothing is copied or held back,
 * so a large frame never has to fit in memory at once.
 */
export class FrameParser {
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #remaining = 0;
  #kind: StreamKind = "stdout";

  /** Calls `onData` for each payload part in `chunk`, in order. */
  push(chunk: Buffer, onData: (kind: StreamKind, data: Buffer) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining > 0) {
        const end = Math.min(chunk.length, offset + this.#remaining);
        this.#remaining -= end - offset;
        onData(this.#kind, chunk.subarray(offset, end));
        offset = end;
        continue;
      }
      // Only the header bytes are copied (it may be split across chunks).
      const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.length - offset);
      chunk.copy(this.#header, this.#headerFill, offset, offset + take);
      this.#headerFill += take;
      offset += take;
      if (this.#headerFill === HEADER_BYTES) {
        this.#headerFill = 0;
        this.#kind = kindOf(this.#header[0]!);
        this.#remaining = this.#header.readUInt32BE(4);
      }
    }
  }

  /** True when the bytes so far end exactly on a frame boundary. */
  get atFrameBoundary(): boolean {
    return this.#remaining === 0 && this.#headerFill === 0;
  }
}

/**
 * A transform from Docker's multiplexed stream to the plain bytes of stdout and stderr, interleaved as Docker
 * sent them. Being a stream transform it passes backpressure on: while its reader does not read, it stops
 * reading from Docker, so an unread follow of a chatty container holds at most a few chunks in memory.
 * `bytesIn` counts what it took from Docker.
 *
 * @example
 * pipeline(await container.logs({ follow: true, stdout: true, stderr: true }), new DockerDemuxer(), res);
 */
export class DockerDemuxer extends Transform {
  readonly #parser = new FrameParser();
  #bytesIn = 0;

  get bytesIn(): number {
    return this.#bytesIn;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#bytesIn += chunk.length;
    try {
      this.#parser.push(chunk, (_kind, data) => this.push(data));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}
