// Types of target.js (plain JavaScript: bin/gpuc-executor.js loads it before any TypeScript loader).
import type { BundleTarget } from "@gpuc/platform/build";

export declare const EXECUTOR_BUNDLE: BundleTarget;
/** The V8 flags the executor runs with (its bin's shebang). */
export declare const EXECUTOR_NODE_FLAGS: readonly string[];
/** dockerode, docker-modem and prom-client bundled, the code GPUC never runs loaded on first use only. */
export declare function leanDependencies(): Pick<BundleTarget, "inline" | "stubs">;
