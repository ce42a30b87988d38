/**
 * Registries rental images may be pulled from unless the provider sets `GPUC_IMAGE_REGISTRIES`: public ones.
 * A consumer-chosen reference like `10.0.0.5:5000/x` would otherwise make the provider's Docker daemon send
 * requests to hosts inside the provider's network.
 */
export const DEFAULT_IMAGE_REGISTRIES = [
  "docker.io",
  "ghcr.io",
  "nvcr.io",
  "quay.io",
  "registry.k8s.io",
  "gcr.io",
  "public.ecr.aws",
  "mcr.microsoft.com",
] as const;

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * The registry host (with port) an image reference names, by Docker's rule: the first path component is a
 * registry when it contains "." or ":" or is "localhost"; otherwise the image is on Docker Hub (`docker.io`).
 */
export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  if (slash < 0) return "docker.io";
  const first = image.slice(0, slash);
  const isRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  if (!isRegistry) return "docker.io";
  const host = first.toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? "docker.io" : host;
}

/** Whether `image` may be pulled: its registry is in `allowed` (exact host[:port]), or `allowed` holds "*". */
export function registryAllowed(image: string, allowed: readonly string[]): boolean {
  if (allowed.includes("*")) return true;
  const registry = registryOf(image);
  return allowed.some((entry) => registryOf(`${entry.toLowerCase()}/x`) === registry);
}
