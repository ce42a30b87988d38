// The parts' processes as a deployment runs them: bundled (@gpuc/platform/build) and on plain node with each part's
// V8 flags, rather than through tsx's loader (what the crash tests use: no build step between edit and run).
import { basename } from "node:path";
import { EXECUTOR_NODE_FLAGS, leanDependencies } from "@gpuc/executor/build";
import { type BundleTarget, buildBundle, freshBundle } from "@gpuc/platform/build";

/** The entry file of a part process (`procs/<name>.ts`). */
export const partEntry = (name: string) => new URL(`./procs/${name}.ts`, import.meta.url).pathname;

/** How a part process runs: its TypeScript through tsx, or the bundle of `procs/*.ts` on plain node. */
export type PartRuntime = "tsx" | "bundle";

const lean = leanDependencies();

export const PARTS_BUNDLE: BundleTarget = {
  name: "crash-parts",
  entries: ["crash/src/procs/executor.ts", "crash/src/procs/marketplace.ts"],
  dist: "crash/dist",
  // Rosen's packages import without file extensions, which only a bundler (or tsx) resolves.
  inline: [...(lean.inline ?? []), "@rosen-bridge/", "@rosen-clients/"],
  stubs: lean.stubs,
  // As in the executor's own bundle: its WebAssembly loads at the first signature or transaction, not at start.
  lazy: { "ergo-lib-wasm-nodejs": "classes" },
  builtBy: "crash/src/bundle.ts",
};

const NODE_FLAGS: Record<string, readonly string[]> = { executor: EXECUTOR_NODE_FLAGS, marketplace: [] };

/** The node arguments that run the part process `entry` (a `procs/*.ts`) in `runtime`. */
export async function partCommand(entry: string, runtime: PartRuntime): Promise<string[]> {
  if (runtime === "tsx") return ["--import", "tsx", entry];
  const name = basename(entry, ".ts");
  // Built here when stale, its error thrown as it is (esbuild names the file and line).
  const built = freshBundle(PARTS_BUNDLE) ?? (await buildBundle(PARTS_BUNDLE));
  const file = built[`crash/src/procs/${name}.ts`];
  if (!file) throw new Error(`no part "${name}" in ${PARTS_BUNDLE.name}: ${PARTS_BUNDLE.entries.join(", ")}`);
  return [...(NODE_FLAGS[name] ?? []), file];
}
