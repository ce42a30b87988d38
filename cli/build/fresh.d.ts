// Types of fresh.js (plain JavaScript: bin/gpuc.js runs it before any TypeScript loader).
export declare const MANIFEST_VERSION: number;
export declare const repoRoot: string;
export declare const distDir: string;
export declare const manifestPath: string;
/** The entry of the current bundle when every file it was built from is unchanged, else undefined. */
export declare function freshBundle(): string | undefined;
/** The current bundle, or a new one built now; undefined when none can be built. */
export declare function bundleEntry(): Promise<string | undefined>;
