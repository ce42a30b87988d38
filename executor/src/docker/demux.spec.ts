import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { DockerDemuxer, FrameParser, MalformedDockerStreamError, type StreamKind } from "./demux.ts";

/** One frame of Docker's multiplexed format. */
function frame(streamType: number, payload: string | Buffer): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = streamType;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function parseAll(chunks: readonly Buffer[]): { kind: StreamKind; text: string }[] {
  const parser = new FrameParser();
  const out: { kind: StreamKind; data: Buffer[] }[] = [];
  for (const chunk of chunks) {
    parser.push(chunk, (kind, data) => {
      const last = out.at(-1);
      if (last && last.kind === kind) last.data.push(data);
      else out.push({ kind, data: [data] });
    });
  }
  return out.map(({ kind, data }) => ({ kind, text: Buffer.concat(data).toString() }));
}

/** Every way of cutting `bytes` into two chunks, and one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const cuts = Array.from({ length: bytes.length + 1 }, (_, at) => [
    bytes.subarray(0, at),
    bytes.subarray(at),
  ]);
  const single = Array.from({ length: bytes.length }, (_, at) => bytes.subarray(at, at + 1));
  return [...cuts, single];
}

describe("FrameParser", () => {
  it("Should separate stdout and stderr frames, counting stdin as stdout and systemerr as stderr", () => {
    const bytes = Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(0, "in\n"), frame(3, "sys\n")]);
    expect(parseAll([bytes])).toEqual([
      { kind: "stdout", text: "out\n" },
      { kind: "stderr", text: "err\n" },
      { kind: "stdout", text: "in\n" },
      { kind: "stderr", text: "sys\n" },
    ]);
  });

  it("Should give the same output wherever the chunks split headers and payloads", () => {
    const bytes = Buffer.concat([frame(1, "hello "), frame(2, "oops"), frame(1, ""), frame(1, "world")]);
    for (const chunks of splits(bytes)) {
      expect(parseAll(chunks)).toEqual([
        { kind: "stdout", text: "hello " },
        { kind: "stderr", text: "oops" },
        { kind: "stdout", text: "world" },
      ]);
    }
  });

  it("Should parse a hundred thousand frames in one chunk without overflowing the stack", () => {
    const frames = Array.from({ length: 100_000 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `line ${i}\n`));
    const parser = new FrameParser();
    let count = 0;
    parser.push(Buffer.concat(frames), () => count++);
    expect(count).toBe(100_000);
    expect(parser.atFrameBoundary).toBe(true);
  });

  it("Should hand on a large frame part by part as views of the chunks, without copying", () => {
    const payload = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const bytes = frame(1, payload);
    const chunks = [bytes.subarray(0, 65_536), bytes.subarray(65_536, 4_000_000), bytes.subarray(4_000_000)];
    const parser = new FrameParser();
    const parts: Buffer[] = [];
    for (const chunk of chunks) parser.push(chunk, (_kind, data) => parts.push(data));
    expect(parts.map((part) => part.length)).toEqual([
      65_536 - 8,
      4_000_000 - 65_536,
      bytes.length - 4_000_000,
    ]);
    expect(parts.every((part, i) => part.buffer === chunks[i]!.buffer)).toBe(true);
    expect(parser.atFrameBoundary).toBe(true);
  });

  it("Should report that a stream stopped inside a frame", () => {
    const parser = new FrameParser();
    parser.push(frame(1, "cut here").subarray(0, 10), () => undefined);
    expect(parser.atFrameBoundary).toBe(false);
  });

  it("Should refuse a frame of an unknown stream type", () => {
    expect(() => new FrameParser().push(frame(7, "x"), () => undefined)).toThrow(MalformedDockerStreamError);
  });
});

describe("DockerDemuxer", () => {
  it("Should turn a multiplexed stream into the interleaved text of both outputs", async () => {
    const bytes = Buffer.concat([frame(1, "a\n"), frame(2, "b\n"), frame(1, "c\n")]);
    let text = "";
    await pipeline(
      Readable.from(splits(bytes).at(-1)!),
      new DockerDemuxer(),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          text += chunk.toString();
          done();
        },
      }),
    );
    expect(text).toBe("a\nb\nc\n");
  });

  it("Should stop reading its source while its reader does not read", async () => {
    const chunk = frame(1, Buffer.alloc(64 * 1024, 0x79));
    let produced = 0;
    // An endless source, like a followed `yes`.
    const source = new Readable({
      read() {
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const demuxer = new DockerDemuxer();
    source.pipe(demuxer);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const taken = demuxer.bytesIn;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(demuxer.bytesIn).toBe(taken);
    expect(taken).toBeLessThan(1024 * 1024);
    expect(produced).toBeLessThan(2 * 1024 * 1024);
    source.destroy();
  });

  it("Should fail the stream on a malformed frame", async () => {
    const consume = pipeline(
      Readable.from([frame(9, "x")]),
      new DockerDemuxer(),
      new Writable({ write: (_c, _e, d) => d() }),
    );
    await expect(consume).rejects.toThrow(MalformedDockerStreamError);
  });
});
