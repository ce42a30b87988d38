import { describe, expect, it } from "vitest";
import { isImageReference } from "./reference.ts";

describe("isImageReference", () => {
  it("Should accept the references providers and consumers use", () => {
    for (const image of [
      "gpuc/busybox:test",
      "busybox",
      "ghcr.io/acme/train:v1.2",
      "localhost:5000/a/b",
      "registry.example.com:443/ns/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
    ])
      expect([image, isImageReference(image)]).toEqual([image, true]);
  });

  // These reached the Engine API as request paths: a 301 docker-modem followed to a host `images` crashed the executor.
  it("Should refuse names that would rewrite the Engine API path", () => {
    for (const image of [
      "/x",
      "//images",
      "..",
      "../..",
      "http://x/y",
      "%2F",
      "?a",
      "x?y=1#z",
      "a b",
      "a\r\nb",
      "😀",
      "",
      "a//b",
      "A:",
    ])
      expect([image, isImageReference(image)]).toEqual([image, false]);
  });
});
