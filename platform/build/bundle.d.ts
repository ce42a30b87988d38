// Types of bundle.js (plain JavaScript: the bins load it before any TypeScript loader).

/** One part to bundle: its entry files (repository-relative, distinct file names) and where its builds go. */
export interface BundleTarget {
  readonly name: string;
  readonly entries: readonly string[];
  /** The folder (repository-relative) of its builds and manifest.json. */
  readonly dist: string;
  /**
   * Packages loaded on first use, and the functions taken from each (the package's other bindings fail the build),
   * or "classes": every export, each a proxy of the real one (calls, `new`, statics, `instanceof`).
   */
  readonly lazy?: Readonly<Record<string, readonly string[] | "classes">>;
  /** Package name prefixes bundled rather than imported from node_modules (e.g. packages only tsx can load). */
  readonly inline?: readonly string[];
  /** Files inside inlined packages (by path suffix) replaced with stand-ins that require them on first use. */
  readonly stubs?: Readonly<Record<string, "function" | "object">>;
  /** The file that defines this target (repository-relative): a change to it makes the bundle stale. */
  readonly builtBy?: string;
}

export declare const MANIFEST_VERSION: number;
export declare const repoRoot: string;
export declare function targetPaths(target: BundleTarget): { distDir: string; manifestPath: string };
/** The built files by source entry when every file the bundle was made of is unchanged, else undefined. */
export declare function freshBundle(target: BundleTarget): Record<string, string> | undefined;
/** The current bundle, or a new one built now; undefined when none can be built. */
export declare function bundleEntry(target: BundleTarget): Promise<Record<string, string> | undefined>;
/** Builds the bundle and makes it current. */
export declare function buildBundle(target: BundleTarget): Promise<Record<string, string>>;
/** Runs the target's bundle, or its TypeScript `source` (a file URL) through tsx when none can be built. */
export declare function runBundleOrSource(
  target: BundleTarget,
  source: string,
  options?: { fromSource?: boolean },
): Promise<unknown>;
