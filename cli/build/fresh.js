// Whether cli/dist holds a bundle made of the sources as they are now (bin/gpuc.js asks on every start: it reads
// one manifest and stats the files it lists, a few milliseconds).
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const MANIFEST_VERSION = 1;
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const distDir = join(repoRoot, "cli", "dist");
export const manifestPath = join(distDir, "manifest.json");

/**
 * The entry of the current bundle when every file it was built from is unchanged (same mtime and size), else
 * undefined.
 *
 * @returns {string | undefined}
 */
export function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest?.version !== MANIFEST_VERSION || typeof manifest.entry !== "string") return undefined;
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs ?? {})) {
    try {
      const stat = statSync(join(repoRoot, file));
      if (stat.mtimeMs !== mtimeMs || stat.size !== size) return undefined;
    } catch {
      return undefined;
    }
  }
  const entry = join(distDir, manifest.entry);
  try {
    statSync(entry);
  } catch {
    return undefined;
  }
  return entry;
}

/**
 * The bundle to run: the current one if fresh, else a new one built now (a few hundred milliseconds), else
 * undefined (no esbuild, a build error, a read-only checkout: the caller runs the sources through tsx).
 *
 * @returns {Promise<string | undefined>}
 */
export async function bundleEntry() {
  const fresh = freshBundle();
  if (fresh) return fresh;
  try {
    mkdirSync(distDir, { recursive: true });
    const { buildBundle } = await import("./bundle.js");
    return await buildBundle();
  } catch {
    return undefined;
  }
}
