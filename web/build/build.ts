import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = join(WEB_ROOT, "..");

/** Where builds land, one folder per source hash (what the marketplace serves with MARKETPLACE_WEB_DIR). */
export const WEB_DIST = join(WEB_ROOT, "dist");

/** Everything the bundle is made of: the app, its config and the sdk it bundles. */
const SOURCES = [
  join(WEB_ROOT, "src"),
  join(WEB_ROOT, "index.html"),
  join(WEB_ROOT, "vite.config.ts"),
  join(WEB_ROOT, "package.json"),
  join(REPO_ROOT, "sdk", "src"),
  join(REPO_ROOT, "package-lock.json"),
];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name.endsWith(".spec.ts") ? [] : files(join(path, name))));
}

/** A hash of every source file's path and content: the build is redone exactly when it changes. */
export function webSourceHash(): string {
  const hash = createHash("sha256");
  for (const file of SOURCES.flatMap(files)) {
    hash.update(relative(REPO_ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  // Vite bakes VITE_* variables into the bundle (e.g. VITE_GRAFANA_URL): a change of one is a change of the build.
  for (const [name, value] of Object.entries(process.env).sort()) {
    if (name.startsWith("VITE_")) hash.update(`${name}=${value}\0`);
  }
  return hash.digest("hex");
}

export interface WebBuild {
  readonly dir: string;
  /** Whether this call built it (false: the cached build matched the sources). */
  readonly built: boolean;
  readonly ms: number;
}

/**
 * The build of the current sources, `web/dist/<hash>`: built with Vite when no build of these exact sources exists
 * (a first `npm start` takes a few seconds, later ones none). Parts started side by side may build at once: each
 * builds into a folder of its own and renames it into place, so none ever serves a half-written build.
 */
export async function ensureWebBuild(options: { force?: boolean } = {}): Promise<WebBuild> {
  const started = performance.now();
  const hash = webSourceHash().slice(0, 16);
  const dir = join(WEB_DIST, hash);
  const took = () => performance.now() - started;
  if (existsSync(join(dir, "index.html")) && !options.force) return { dir, built: false, ms: took() };
  const scratch = join(WEB_DIST, `.${hash}-${process.pid}-${Date.now()}`);
  const { build } = await import("vite");
  await build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir: scratch, emptyOutDir: true },
  });
  if (options.force) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(scratch, dir);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another part built the same sources first
  }
  pruneOtherBuilds(hash);
  return { dir, built: true, ms: took() };
}

// Builds kept besides the newest: a part started earlier may still serve one of them.
const KEEP_BUILDS = 3;

/** Drops all but the newest builds (finished ones only: a scratch folder may be another part's build in progress). */
function pruneOtherBuilds(keep: string): void {
  const builds = readdirSync(WEB_DIST)
    .filter((name) => name !== keep && !name.startsWith("."))
    .map((name) => ({ name, at: statSync(join(WEB_DIST, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of builds.slice(KEEP_BUILDS - 1))
    rmSync(join(WEB_DIST, name), { recursive: true, force: true });
}
