#!/usr/bin/env -S node --max-semi-space-size=1
// The `gpuc-executor` command. Runs the bundle in executor/dist (executor/build/target.js; rebuilt here first when a
// source it was made of has changed), so the long-running agent carries no TypeScript loader. Without one (no
// esbuild, a build error) or with GPUC_EXECUTOR_TSX=1, it runs the TypeScript sources through tsx's loader.
import { pathToFileURL } from "node:url";

const entry =
  process.env.GPUC_EXECUTOR_TSX === "1"
    ? undefined
    : await (async () => {
        const { bundleEntry } = await import("@gpuc/platform/build");
        const { EXECUTOR_BUNDLE } = await import("../build/target.js");
        return (await bundleEntry(EXECUTOR_BUNDLE))?.[EXECUTOR_BUNDLE.entries[0]];
      })();
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
