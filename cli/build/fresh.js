// Whether cli/dist holds a bundle made of the sources as they are now (bin/gpuc.js asks on every start: it reads
// one manifest and stats the files it lists, a few milliseconds). The bundling itself is @gpuc/platform/build's.
import * as bundles from "@gpuc/platform/build";
import { CLI_BUNDLE } from "./target.js";

export const MANIFEST_VERSION = bundles.MANIFEST_VERSION;
export const repoRoot = bundles.repoRoot;
export const { distDir, manifestPath } = bundles.targetPaths(CLI_BUNDLE);
const ENTRY = CLI_BUNDLE.entries[0];

/**
 * The entry of the current bundle when every file it was built from is unchanged (same mtime and size), else
 * undefined.
 *
 * @returns {string | undefined}
 */
export function freshBundle() {
  return bundles.freshBundle(CLI_BUNDLE)?.[ENTRY];
}

/**
 * The bundle to run: the current one if fresh, else a new one built now (a few hundred milliseconds), else
 * undefined (no esbuild, a build error, a read-only checkout: the caller runs the sources through tsx).
 *
 * @returns {Promise<string | undefined>}
 */
export async function bundleEntry() {
  return (await bundles.bundleEntry(CLI_BUNDLE))?.[ENTRY];
}
