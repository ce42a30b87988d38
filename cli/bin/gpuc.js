#!/usr/bin/env node
// The `gpuc` command. Runs the bundle in cli/dist (built by `npm install`, rebuilt here first when a source it was
// made of has changed: cli/build/), so a command starts in a fraction of a second. Without one (no esbuild, a
// build error) or with GPUC_CLI_TSX=1, it runs the TypeScript sources through tsx's loader, as slow as that is.
import { runBundleOrSource } from "@gpuc/platform/build";
import { CLI_BUNDLE } from "../build/target.js";

await runBundleOrSource(CLI_BUNDLE, new URL("../src/main.ts", import.meta.url).href, {
  fromSource: process.env.GPUC_CLI_TSX === "1",
});
