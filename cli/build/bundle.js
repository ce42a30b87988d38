// Builds the `gpuc` bundle (cli/build/target.js, @gpuc/platform/build) in cli/dist/<build id>/.
//
// `node cli/build/bundle.js` builds (npm install runs it as the "prepare" script); bin/gpuc.js rebuilds it itself
// when the bundle is stale.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as bundles from "@gpuc/platform/build";
import { CLI_BUNDLE } from "./target.js";

/**
 * Builds the bundle and makes it the current one; resolves to the path of its entry (main.js).
 *
 * @returns {Promise<string>}
 */
export async function buildBundle() {
  return (await bundles.buildBundle(CLI_BUNDLE))[CLI_BUNDLE.entries[0]];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  try {
    const entry = await buildBundle();
    console.warn(
      `gpuc: built ${relative(process.cwd(), entry)} in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    // Never fail an install over it: bin/gpuc.js runs the sources through tsx without a bundle.
    console.warn(
      `gpuc: no bundle built (${error instanceof Error ? error.message : String(error)}); gpuc runs from source (slower)`,
    );
  }
}
