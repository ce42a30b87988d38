import { execFile } from "node:child_process";
import { readFileSync, statSync, utimesSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleEntry, freshBundle, manifestPath } from "../build/fresh.js";

const GPUC = fileURLToPath(new URL("../bin/gpuc.js", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) => {
    const started = performance.now();
    execFile(
      process.execPath,
      [GPUC, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          ms: performance.now() - started,
        }),
    );
  });
}

describe("bin/gpuc.js and its bundle (cli/dist)", () => {
  it("Should run the bundle when it is fresh, and rebuild it first when a source it was made of changed", async () => {
    const entry = await bundleEntry();
    expect(entry).toBeDefined();
    expect(freshBundle()).toBe(entry);
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { inputs: Record<string, unknown> };
    // Made of the CLI's sources and the workspaces they import, not of node_modules.
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        "cli/src/main.ts",
        "cli/src/cli.ts",
        "sdk/src/index.ts",
        "cli/build/target.js",
        "platform/build/bundle.js",
      ]),
    );
    expect(Object.keys(manifest.inputs).filter((file) => file.includes("node_modules"))).toEqual([]);
    const touched = new Date();
    utimesSync(MAIN, touched, touched);
    expect(freshBundle()).toBeUndefined();
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gpuc <command>/);
    const rebuilt = freshBundle();
    expect(rebuilt).toBeDefined();
    expect(rebuilt).not.toBe(entry);
    expect(statSync(rebuilt!).isFile()).toBe(true);
  }, 60_000);

  it("Should print the same help and exit codes from the sources with GPUC_CLI_TSX=1", async () => {
    const [bundled, source] = await Promise.all([run(["--help"]), run(["--help"], { GPUC_CLI_TSX: "1" })]);
    expect(source).toMatchObject({ code: 0, stdout: bundled.stdout });
    const usage = await run(["teleport"], { GPUC_CLI_TSX: "1" });
    expect(usage).toMatchObject({
      code: 2,
      stderr: 'gpuc: Unknown command "teleport". Run `gpuc --help`.\n',
    });
  }, 60_000);

  it("Should name the error classes as the sources do (--json errors), from the bundle", async () => {
    const result = await run(["wallet", "address", "--json"], { GPUC_WALLET: "/nonexistent/wallet.json" });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: "WalletMissingError", exitCode: 1 });
  });
});
