import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const HELPER = new URL("./crash-point.ts", import.meta.url).pathname;

/** Runs a child that passes the point `times` times, printing after each; returns its exit and output. */
function runChild(crashAt: string | undefined, times: number) {
  const script = `import { crashPoint } from ${JSON.stringify(HELPER)};
for (let i = 1; i <= ${times}; i++) { crashPoint("test.step"); console.log("passed " + i); }`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, GPUC_CRASH_AT: crashAt ?? "" },
    encoding: "utf8",
  });
  return { signal: result.signal, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("crashPoint", () => {
  it("Should do nothing when GPUC_CRASH_AT names no point or another one", () => {
    expect(runChild(undefined, 2)).toMatchObject({ status: 0, stdout: "passed 1\npassed 2\n" });
    expect(runChild("other.step", 2)).toMatchObject({ status: 0, stdout: "passed 1\npassed 2\n" });
  });

  it("Should SIGKILL the process at the named point, saying where on stderr", () => {
    const child = runChild("test.step", 3);
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).toBe("");
    expect(JSON.parse(child.stderr.trim())).toMatchObject({
      event: "CRASH_POINT",
      point: "test.step",
      hit: 1,
    });
  });

  it("Should wait for the n-th hit with name@n", () => {
    const child = runChild("test.step@3", 5);
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).toBe("passed 1\npassed 2\n");
  });
});
