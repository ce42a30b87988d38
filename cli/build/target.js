// The `gpuc` bundle (@gpuc/platform/build): cli/src/main.ts and every workspace it imports, one chunk per command's
// code (the `import()` of each *.run.ts), so `gpuc --help` loads only the command tables and `gpuc gpus search`
// only the sdk.
/** @type {import("@gpuc/platform/build").BundleTarget} */
export const CLI_BUNDLE = {
  name: "gpuc",
  entries: ["cli/src/main.ts"],
  dist: "cli/dist",
  /**
   * esbuild assigns whole files to chunks: @gpuc/ergoscript's compile.ts sits in the files of the enums every
   * offchain builder uses, so an `import { compile } from "@fleet-sdk/compiler"` (sigmastate-js, 1.5 s to load)
   * would run for `gpuc wallet balance` too. In the bundle it runs at the first `compile()`, which only `gpuc deploy`
   * makes. A binding not listed here fails the build (and gpuc runs from source) rather than being left undefined.
   */
  lazy: { "@fleet-sdk/compiler": ["compile"] },
  builtBy: "cli/build/target.js",
};
