#!/usr/bin/env -S node --max-semi-space-size=1
// The `gpuc-executor` command. Runs the bundle in executor/dist (executor/build/target.js; rebuilt here first when a
// source it was made of has changed), so the long-running agent carries no TypeScript loader. Without one (no
// esbuild, a build error) or with GPUC_EXECUTOR_TSX=1, it runs the TypeScript sources through tsx's loader.
import { runBundleOrSource } from "@gpuc/platform/build";
import { EXECUTOR_BUNDLE } from "../build/target.js";

await runBundleOrSource(EXECUTOR_BUNDLE, new URL("../src/main.ts", import.meta.url).href, {
  fromSource: process.env.GPUC_EXECUTOR_TSX === "1",
});
