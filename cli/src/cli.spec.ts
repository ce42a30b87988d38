import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";
import { readWalletFile } from "./core/wallet-file.ts";

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe("runCli (in process, no services)", () => {
  const dir = mkdtempSync(join(tmpdir(), "gpuc-cli-"));
  const wallet = join(dir, "w", "wallet.json");

  it("Should write a 0600 wallet whose mnemonic derives its address", async () => {
    const { code, stdout } = await cli(["wallet", "new", "--json"], { GPUC_WALLET: wallet });
    expect(code).toBe(0);
    const { address } = JSON.parse(stdout) as { address: string };
    expect(statSync(wallet).mode & 0o777).toBe(0o600);
    expect(readWalletFile(wallet).address).toBe(address);
    expect(
      (JSON.parse(readFileSync(wallet, "utf8")) as { mnemonic: string }).mnemonic.split(" "),
    ).toHaveLength(15);
  });

  it("Should print help with exit 0, and exit 2 for an unknown command or option", async () => {
    expect((await cli(["--help"])).code).toBe(0);
    expect((await cli(["teleport"])).code).toBe(2);
    const bad = await cli(["wallet", "balance", "--colour"], { GPUC_WALLET: wallet });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--colour");
  });

  it("Should explain a missing deployment instead of failing on the chain", async () => {
    const result = await cli(["wallet", "balance"], { GPUC_WALLET: wallet, GPUC_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No GPUC deployment at ${join(dir, "deployment.json")}`);
  });
});
