import { isBuiltin } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));

/** Fails the build on any import of a Node built-in (`fs`, `node:http`, …), naming the importer. */
const noNodeBuiltins: Plugin = {
  name: "no-node-builtins",
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) =>
      isBuiltin(args.path)
        ? { errors: [{ text: `"${args.path}" is a Node built-in, imported by ${args.importer}` }] }
        : undefined,
    );
  },
};

function bundle(options: { entryPoints?: string[]; stdin?: { contents: string; resolveDir: string } }) {
  return build({
    ...options,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [noNodeBuiltins],
  });
}

describe("the browser build of @gpuc/sdk", () => {
  it("Should bundle the main entry for the browser with no Node built-in anywhere in its import graph", async () => {
    const result = await bundle({ entryPoints: [ENTRY] });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes("ergo-lib") || path.includes("@gpuc/offchain"))).toBe(false);
    // 142 KB minified (44 KB gzipped) when written, zod most of it: a change that drags a heavy dependency in,
    // or `import { z } from "zod"` (which keeps every zod locale; write `import * as z from "zod"`), fails here.
    const bytes = result.outputFiles[0]!.contents;
    expect(bytes.length).toBeLessThan(200 * 1024);
    expect(gzipSync(bytes).length).toBeLessThan(64 * 1024);
  });

  it("Should fail the build when anything imports a Node built-in (the check itself works)", async () => {
    const resolveDir = fileURLToPath(new URL(".", import.meta.url));
    for (const contents of ['import "node:http";', 'import { readFileSync } from "fs"; readFileSync;']) {
      await expect(bundle({ stdin: { contents, resolveDir } })).rejects.toThrow(/is a Node built-in/);
    }
  });
});
