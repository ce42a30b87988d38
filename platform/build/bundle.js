// Bundles a part of GPUC (the gpuc CLI, the executor, the marketplace) with esbuild into plain ES modules, so it
// runs on plain `node` instead of through tsx's loader: faster to start and, for the long-running parts, ~40 MB less
// resident (tsx's loader and its transform cache; issue 17, "light parts"). One target = one part:
//
//   { name, entries: ["cli/src/main.ts"], dist: "cli/dist", lazy?, inline?, stubs?, builtBy? }
//
// <dist>/<build id>/ holds the build (one chunk per dynamic import) and <dist>/manifest.json names it and every file
// it was made of (mtime and size), so a bin can tell a bundle older than the sources (`freshBundle`) and rebuild it
// (`bundleEntry`). The @gpuc/* workspaces are bundled; every other package stays an import from node_modules unless
// `inline` names it. Plain JavaScript: the bins load it before any TypeScript loader.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const MANIFEST_VERSION = 2;
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Builds that are not the current one are removed once this old: a process that is still running (`gpuc instances
 * logs --follow`, an executor) may yet import a chunk of its build.
 */
const KEEP_OLD_MS = 24 * 3_600_000;

/** @param {import("./bundle.d.ts").BundleTarget} target */
export function targetPaths(target) {
  const distDir = join(repoRoot, target.dist);
  return { distDir, manifestPath: join(distDir, "manifest.json") };
}

/**
 * The entries of the current bundle (by source entry, e.g. "cli/src/main.ts" → its main.js) when every file it was
 * built from is unchanged (same mtime and size), else undefined.
 *
 * @param {import("./bundle.d.ts").BundleTarget} target
 * @returns {Record<string, string> | undefined}
 */
export function freshBundle(target) {
  const { distDir, manifestPath } = targetPaths(target);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest?.version !== MANIFEST_VERSION || typeof manifest.entries !== "object") return undefined;
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs ?? {})) {
    try {
      const stat = statSync(join(repoRoot, file));
      if (stat.mtimeMs !== mtimeMs || stat.size !== size) return undefined;
    } catch {
      return undefined;
    }
  }
  const entries = {};
  for (const source of target.entries) {
    const built = manifest.entries[source];
    if (typeof built !== "string") return undefined;
    try {
      statSync(join(distDir, built));
    } catch {
      return undefined;
    }
    entries[source] = join(distDir, built);
  }
  return entries;
}

/**
 * The bundle to run: the current one if fresh, else a new one built now (a second or two), else undefined (no
 * esbuild, a build error, a read-only checkout: the caller runs the sources through tsx).
 *
 * @param {import("./bundle.d.ts").BundleTarget} target
 * @returns {Promise<Record<string, string> | undefined>}
 */
export async function bundleEntry(target) {
  const fresh = freshBundle(target);
  if (fresh) return fresh;
  try {
    return await buildBundle(target);
  } catch {
    return undefined;
  }
}

/**
 * What a bin does: runs the target's bundle (fresh, or built now), or, when none can be built or `fromSource` is
 * set, the TypeScript `source` (a file URL) through tsx's loader.
 *
 * @param {import("./bundle.d.ts").BundleTarget} target
 * @param {string} source
 * @param {{ fromSource?: boolean }} [options]
 */
export async function runBundleOrSource(target, source, options = {}) {
  const entry = options.fromSource ? undefined : (await bundleEntry(target))?.[target.entries[0]];
  if (entry) return import(pathToFileURL(entry).href);
  const { register } = await import("tsx/esm/api");
  register();
  return import(source);
}

/**
 * Builds the bundle and makes it the current one; resolves to its entries (source entry → built file).
 *
 * @param {import("./bundle.d.ts").BundleTarget} target
 * @returns {Promise<Record<string, string>>}
 */
export async function buildBundle(target) {
  const esbuild = await import("esbuild");
  const { distDir, manifestPath } = targetPaths(target);
  mkdirSync(distDir, { recursive: true });
  const started = Date.now();
  const buildId = `${started.toString(36)}-${randomBytes(4).toString("hex")}`;
  const outdir = join(distDir, buildId);
  const result = await esbuild.build({
    entryPoints: target.entries.map((entry) => join(repoRoot, entry)),
    absWorkingDir: repoRoot,
    // One flat folder (entries by file name, chunks beside them): the stand-ins and import.meta.url rewrites below
    // name files relative to it, whichever output file their code lands in.
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
    // A CommonJS package bundled into these ES modules (`inline`) calls require() for Node's own modules.
    banner: {
      js: 'import { createRequire as __gpucRequire } from "node:module";\nconst require = __gpucRequire(import.meta.url);',
    },
    plugins: [workspaces(target, outdir)],
  });
  const manifest = {
    version: MANIFEST_VERSION,
    buildId,
    entries: Object.fromEntries(
      target.entries.map((entry) => [entry, join(buildId, basename(entry).replace(/\.ts$/, ".js"))]),
    ),
    esbuild: esbuild.version,
    builtAt: new Date(started).toISOString(),
    inputs: inputsOf(result.metafile, started, target),
  };
  const temporary = `${manifestPath}.${process.pid}.${buildId}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, manifestPath); // atomic: a process starting now reads the old manifest or this one
  removeOldBuilds(distDir, buildId);
  return Object.fromEntries(
    Object.entries(manifest.entries).map(([source, built]) => [source, join(distDir, built)]),
  );
}

/** The repository's files the bundle was made of (workspace sources, their package.json, the build's own files). */
function inputsOf(metafile, started, target) {
  const files = new Set(
    Object.keys(metafile.inputs).filter(
      (file) => !file.startsWith("gpuc-") && !file.includes("node_modules"),
    ),
  );
  for (const file of [...files]) {
    const workspace = file.split("/")[0];
    if (workspace) files.add(`${workspace}/package.json`);
  }
  files.add("package.json");
  files.add(relative(repoRoot, fileURLToPath(import.meta.url)));
  if (target.builtBy) files.add(target.builtBy);
  const inputs = {};
  for (const file of files) {
    const stat = statSync(join(repoRoot, file));
    // A file changed while the build read it may be in the bundle as it was before: the next run rebuilds.
    inputs[file] = stat.mtimeMs >= started ? [-1, stat.size] : [stat.mtimeMs, stat.size];
  }
  return inputs;
}

/**
 * Resolves the @gpuc/* workspaces through their package.json exports (and bundles them), marks them free of side
 * effects (an unused re-export, such as @gpuc/ergoscript's compiler behind @gpuc/offchain's index, is left out),
 * keeps every other package an import (but `inline` ones), swaps `lazy` packages and `stubs` files for stand-ins
 * that load them on first use, and points `import.meta.url` of a bundled source file at that file.
 */
function workspaces(target, outdir) {
  const own = join(repoRoot, target.entries[0].split("/")[0]) + sep;
  const lazy = target.lazy ?? {};
  const inline = target.inline ?? [];
  const stubs = target.stubs ?? {};
  return {
    name: "gpuc-workspaces",
    setup(build) {
      const resolve = (args) =>
        build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: "gpuc-inner",
        });
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "gpuc-inner" || args.kind === "entry-point") return undefined;
        // What a stand-in loads on first use stays outside the bundle.
        if (args.namespace === "gpuc-stub") return { path: args.path, external: true };
        const bare = !args.path.startsWith(".") && !args.path.startsWith("/");
        if (bare && args.path in lazy) {
          const found = await resolve(args);
          if (found.errors.length > 0) return { errors: found.errors };
          return { path: found.path, namespace: "gpuc-lazy", pluginData: args.path };
        }
        const workspace = args.path.startsWith("@gpuc/");
        const inlined = inline.some((prefix) => args.path.startsWith(prefix));
        const inPackage = args.importer.includes(`${sep}node_modules${sep}`);
        if (bare && !workspace && !inlined && !inPackage) return { path: args.path, external: true };
        const resolved = await resolve(args);
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external) return resolved;
        const stub = Object.keys(stubs).find((suffix) => resolved.path.endsWith(suffix));
        if (stub) return { path: resolved.path, namespace: "gpuc-stub", pluginData: stubs[stub] };
        // A dependency of an inlined package that is not inlined itself: imported from the very file esbuild found
        // (an inlined package may carry its own version of it in a nested node_modules).
        if (bare && !workspace && !inlined)
          return { path: `./${toUrlPath(relative(outdir, resolved.path))}`, external: true };
        if (resolved.path.includes(`${sep}node_modules${sep}`)) return { path: resolved.path };
        // Every file of the other workspaces is free of side effects (none is imported for them); the part's own
        // are what it runs.
        return { path: resolved.path, sideEffects: resolved.path.startsWith(own) ? undefined : false };
      });
      build.onLoad({ filter: /.*/, namespace: "gpuc-lazy" }, (args) => ({
        contents: lazyModule(relative(outdir, args.path), lazy[args.pluginData], args.path),
        loader: "js",
        resolveDir: outdir,
      }));
      build.onLoad({ filter: /.*/, namespace: "gpuc-stub" }, (args) => ({
        contents: stubModule(relative(outdir, args.path), args.pluginData),
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
 * A module exporting `names` as stand-ins that load `target` (the package's file, relative to the bundle's folder)
 * synchronously on first use: require() of an ES module, as Node 20.19 does, gives the same module instance an
 * import would. `names` lists functions, or is "classes": every export of the package (read here, at build time),
 * each a proxy that forwards calls, `new`, static reads and `instanceof` to the real export.
 */
function lazyModule(target, names, absolute) {
  const lines = [
    'import { fileURLToPath } from "node:url";',
    `const file = fileURLToPath(new URL(${JSON.stringify(toUrlPath(target))}, import.meta.url));`,
    "let loaded;",
    "const load = () => (loaded ??= require(file));",
  ];
  if (names !== "classes") {
    lines.push(
      ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
    );
    return lines.join("\n");
  }
  const exported = Object.keys(createRequire(import.meta.url)(absolute)).filter((name) =>
    /^[A-Za-z_$][\w$]*$/.test(name),
  );
  lines.push(
    "const real = (name) => load()[name];",
    "const lazy = (name) => new Proxy(function () {}, {",
    "  get: (_, key) => Reflect.get(real(name), key),",
    "  has: (_, key) => Reflect.has(real(name), key),",
    "  apply: (_, self, args) => Reflect.apply(real(name), self, args),",
    "  construct: (_, args) => Reflect.construct(real(name), args),",
    "});",
    ...exported.map((name) => `export const ${name} = lazy(${JSON.stringify(name)});`),
  );
  return lines.join("\n");
}

/**
 * A CommonJS stand-in for a file inside a bundled package that requires the real file, from node_modules, on first
 * use. `shape` is what the file's `module.exports` is: "function" (forwarded on the first call) or "object" (a proxy
 * that loads it on the first property read).
 */
function stubModule(target, shape) {
  const path = JSON.stringify(`./${toUrlPath(target)}`);
  if (shape === "function")
    return `let real;\nmodule.exports = function (...args) { real ??= require(${path}); return real.apply(this, args); };`;
  if (shape === "object")
    return `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require(${path}))[key] });`;
  throw new Error(`unknown stub shape ${shape}`);
}

const toUrlPath = (path) => path.split(sep).join("/");

function removeOldBuilds(distDir, current) {
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
