import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_REGISTRIES, registryAllowed, registryOf } from "./registry.ts";

describe("registryOf", () => {
  it("Should name the registry an image reference pulls from, by Docker's rule", () => {
    expect(registryOf("busybox")).toBe("docker.io");
    expect(registryOf("pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime")).toBe("docker.io");
    expect(registryOf("index.docker.io/library/ubuntu")).toBe("docker.io");
    expect(registryOf("nvcr.io/nvidia/pytorch:24.08-py3")).toBe("nvcr.io");
    expect(registryOf("10.0.0.5:5000/x")).toBe("10.0.0.5:5000");
    expect(registryOf("localhost/x")).toBe("localhost");
    expect(registryOf("registry:5000/x")).toBe("registry:5000");
    expect(registryOf("GHCR.io/owner/image@sha256:abc")).toBe("ghcr.io");
  });
});

describe("registryAllowed", () => {
  it("Should allow public registries by default and refuse private addresses and internal names", () => {
    const allowed = DEFAULT_IMAGE_REGISTRIES;
    expect(registryAllowed("pytorch/pytorch:latest", allowed)).toBe(true);
    expect(registryAllowed("ghcr.io/owner/image:1", allowed)).toBe(true);
    for (const image of [
      "10.0.0.5:5000/x",
      "192.168.1.10/x",
      "169.254.169.254/latest",
      "localhost:5000/x",
      "registry.internal/x",
      "registry:5000/x",
      "[::1]:5000/x",
    ]) {
      expect(registryAllowed(image, allowed), image).toBe(false);
    }
  });

  it("Should allow exactly the provider's list, with ports, or any registry with *", () => {
    expect(registryAllowed("registry.corp:5000/team/x", ["registry.corp:5000"])).toBe(true);
    expect(registryAllowed("registry.corp/team/x", ["registry.corp:5000"])).toBe(false);
    expect(registryAllowed("busybox", ["ghcr.io"])).toBe(false);
    expect(registryAllowed("10.0.0.5:5000/x", ["*"])).toBe(true);
  });
});
