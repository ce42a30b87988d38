import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("Should print the help of every command, of a group and of one command, each with exit 0", async () => {
    const all = await cli(["--help"]);
    expect(all).toMatchObject({ code: 0, stderr: "" });
    for (const usage of ["gpuc rent <gpu-id>", "gpuc wallet balance", "gpuc gpus search", "gpuc credit show"])
      expect(all.stdout).toContain(`  ${usage}`);
    expect(all.stdout).toContain("Exit codes: 0 ok, 1 failure, 2 usage");
    const group = await cli(["wallet", "--help"]);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain("  gpuc wallet faucet");
    expect(group.stdout).not.toContain("gpuc gpus");
    expect((await cli(["instances", "--help"])).stdout).toContain("  gpuc instances logs <id>");
    const one = await cli(["gpus", "show", "-h"]);
    expect(one).toEqual({
      code: 0,
      stdout: "gpuc gpus show <gpu-id>\n  One GPU offer (no wallet needed)\n",
      stderr: "",
    });
    const bare = await cli(["wallet"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe(
      'gpuc: "wallet" needs a command: gpuc wallet new, gpuc wallet address, gpuc wallet balance, gpuc wallet faucet\n',
    );
  });

  it("Should find the command after global options and their values", async () => {
    const result = await cli(["--wallet", wallet, "--json", "wallet", "address"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ address: readWalletFile(wallet).address });
  });

  it("Should still refuse an option whose value is missing because another option follows", async () => {
    const result = await cli(["rent", "x", "--image", "--hours", "2"], { GPUC_WALLET: wallet });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Option '--image' argument is ambiguous");
  });

  it("Should explain a missing deployment instead of failing on the chain", async () => {
    const result = await cli(["wallet", "balance"], { GPUC_WALLET: wallet, GPUC_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No GPUC deployment at ${join(dir, "deployment.json")}`);
  });
});

describe("runCli's exit codes for the sdk's errors (against a real HTTP server)", () => {
  /** A marketplace stand-in answering every request with `status` and `body` (a problem for 4xx). */
  async function answering(status: number, body: object) {
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/problem+json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it("Should exit 2 on an amount it cannot read, before any request", async () => {
    const result = await cli(["gpus", "search", "--max-price", "0.0000001"], {
      GPUC_MARKETPLACE_URL: "http://127.0.0.1:9",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'gpuc: --max-price must be a positive number with at most 6 decimals, not "0.0000001"\n',
    );
  });

  it("Should exit 3 with the problem's title, detail and extensions, and give the problem with --json", async () => {
    const market = await answering(409, {
      type: "urn:gpuc:problem:http-error",
      title: "Conflict",
      status: 409,
      detail: "busy",
      pending: 2,
    });
    try {
      const text = await cli(["gpus", "search", "--region", "eu"], { GPUC_MARKETPLACE_URL: market.url });
      expect(text.code).toBe(3);
      expect(text.stderr).toBe("gpuc: GET /api/v1/gpus?region=eu → 409 Conflict: busy\n  pending: 2\n");
      const json = await cli(["gpus", "search", "--json"], { GPUC_MARKETPLACE_URL: market.url });
      expect(JSON.parse(json.stderr)).toMatchObject({
        error: "ApiError",
        exitCode: 3,
        problem: { status: 409, detail: "busy", pending: 2 },
      });
    } finally {
      await market.close();
    }
  });

  it("Should exit 4 when the marketplace is unreachable", async () => {
    const closed = await answering(500, {});
    await closed.close();
    const result = await cli(["gpus", "show", "00000000-0000-4000-8000-000000000000"], {
      GPUC_MARKETPLACE_URL: closed.url,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`The marketplace at ${closed.url} is unreachable (fetch failed)`);
  });
});
