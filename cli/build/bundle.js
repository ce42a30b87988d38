// Builds the `gpuc` bundle: cli/src/main.ts and every workspace it imports, as ES modules in
// cli/dist/<build id>/, one chunk per command's code (the `import()` of each *.run.ts), so `gpuc --help` loads
// only the command tables and `gpuc gpus search` only the sdk. Packages from node_modules stay imports.
// cli/dist/manifest.json names the build and every file it was made of (mtime and size), so bin/gpuc.js can
// tell a bundle older than the sources.
//
// `node cli/build/bundle.js` builds (npm install runs it as the "prepare" script); bin/gpuc.js calls
// buildBundle() itself when the bundle is stale.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { distDir, MANIFEST_VERSION, manifestPath, repoRoot } from "./fresh.js";

/**
 * Builds that are not the current one are removed once this old: a gpuc that is still running (`instances logs
 * --follow`) may yet import a chunk of its build, such as the one that prints an error.
 */
const KEEP_OLD_MS = 24 * 3_600_000;

/**
 * Builds the bundle and makes it the current one; resolves to the path of its entry (main.js).
 *
 * @returns {Promise<string>}
 */
export async function buildBundle() {
  const esbuild = await import("esbuild");
  const started = Date.now();
  const buildId = `${started.toString(36)}-${randomBytes(4).toString("hex")}`;
  const outdir = join(distDir, buildId);
  const result = await esbuild.build({
    entryPoints: [join(repoRoot, "cli/src/main.ts")],
    absWorkingDir: repoRoot,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Error classes name themselves with `new.target.name` (the `error` of `--json` errors): keep the names.
    keepNames: true,
    metafile: true,
    logLevel: "silent",
    chunkNames: "[name]-[hash]",
    plugins: [workspaces(outdir)],
  });
  const inputs = {};
  // The sources bundled (not the lazy stand-ins, whose packages stay in node_modules).
  const files = new Set(Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("gpuc-lazy:")));
  for (const file of [...files]) {
    const workspace = file.split("/")[0];
    if (workspace) files.add(`${workspace}/package.json`);
  }
  files.add("package.json");
  files.add(relative(repoRoot, fileURLToPath(import.meta.url)));
  for (const file of files) {
    const stat = statSync(join(repoRoot, file));
    // A file changed while the build read it may be in the bundle as it was before: the next run rebuilds.
    inputs[file] = stat.mtimeMs >= started ? [-1, stat.size] : [stat.mtimeMs, stat.size];
  }
  const manifest = {
    version: MANIFEST_VERSION,
    buildId,
    entry: `${buildId}/main.js`,
    esbuild: esbuild.version,
    builtAt: new Date(started).toISOString(),
    inputs,
  };
  const temporary = `${manifestPath}.${process.pid}.${buildId}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, manifestPath); // atomic: a gpuc starting now reads the old manifest or this one
  removeOldBuilds(buildId);
  return join(outdir, "main.js");
}

/**
 * Resolves the @gpuc/* workspaces through their package.json exports (and bundles them), marks them free of side
 * effects (an unused re-export, such as @gpuc/ergoscript's compiler behind @gpuc/offchain's index, is left out),
 * keeps every other package an import, and points `import.meta.url` of a bundled source file at that file.
 */
function workspaces(outdir) {
  return {
    name: "gpuc-workspaces",
    setup(build) {
      const cli = join(repoRoot, "cli") + sep;
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "gpuc-inner" || args.kind === "entry-point") return undefined;
        const bare = !args.path.startsWith(".") && !args.path.startsWith("/");
        if (bare && args.path in LAZY) {
          const target = await build.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: "gpuc-inner",
          });
          if (target.errors.length > 0) return { errors: target.errors };
          return { path: target.path, namespace: "gpuc-lazy", pluginData: args.path };
        }
        if (bare && !args.path.startsWith("@gpuc/")) return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: "gpuc-inner",
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external) return resolved;
        // Every file of the other workspaces is free of side effects (none is imported for them); the CLI's are
        // what it runs.
        return { path: resolved.path, sideEffects: resolved.path.startsWith(cli) ? undefined : false };
      });
      build.onLoad({ filter: /.*/, namespace: "gpuc-lazy" }, (args) => ({
        contents: lazyModule(relative(outdir, args.path), LAZY[args.pluginData]),
        loader: "js",
        resolveDir: outdir,
      }));
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta.url"))
          return { contents: source, loader: "ts", resolveDir: dirname(args.path) };
        const here = JSON.stringify(relative(outdir, args.path));
        return {
          contents: source.replaceAll("import.meta.url", `new URL(${here}, import.meta.url).href`),
          loader: "ts",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * Packages loaded on first use instead of with the chunk that imports them, and the functions taken from each.
 * esbuild assigns whole files to chunks: @gpuc/ergoscript's compile.ts sits in the files of the enums every offchain
 * builder uses, so its `import { compile } from "@fleet-sdk/compiler"` (sigmastate-js, 1.5 s to load) would run
 * for `gpuc wallet balance` too. In the bundle it runs at the first `compile()`, which only `gpuc deploy` makes.
 * A binding not listed here fails the build (and gpuc runs from source) rather than being left undefined.
 */
const LAZY = { "@fleet-sdk/compiler": ["compile"] };

/**
 * A module exporting `names` as functions that load `target` (the package's ES module file, relative to the
 * bundle's folder) synchronously on the first call: require() of an ES module, as Node 20.19 does, gives the same
 * module instance an import would.
 */
function lazyModule(target, names) {
  const lines = [
    'import { createRequire } from "node:module";',
    'import { fileURLToPath } from "node:url";',
    `const file = fileURLToPath(new URL(${JSON.stringify(target.split(sep).join("/"))}, import.meta.url));`,
    "let loaded;",
    "const load = () => (loaded ??= createRequire(import.meta.url)(file));",
    ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
  ];
  return lines.join("\n");
}

function removeOldBuilds(current) {
  for (const entry of readdirSync(distDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === current) continue;
    const path = join(distDir, entry.name);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another build removed it first
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  try {
    mkdirSync(distDir, { recursive: true });
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
