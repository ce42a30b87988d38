#!/usr/bin/env node
// The `gpuc` command. Runs the bundle in cli/dist (built by `npm install`, rebuilt here first when a source it was
// made of has changed: cli/build/), so a command starts in a fraction of a second. Without one (no esbuild, a
// build error) or with GPUC_CLI_TSX=1, it runs the TypeScript sources through tsx's loader, as slow as that is.
import { pathToFileURL } from "node:url";

const entry =
  process.env.GPUC_CLI_TSX === "1" ? undefined : await (await import("../build/fresh.js")).bundleEntry();
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
