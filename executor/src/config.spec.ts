import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@gpuc/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutorConfigError, loadExecutorConfig } from "./config.ts";

const base = {
  GPUC_PROVIDER_ID: "prov-1",
  GPUC_API_KEY: "gpuc_key",
  GPUC_PROVIDER_SECRET_KEY: "1".repeat(64),
};

describe("loadExecutorConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gpuc-config-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("Should apply the documented defaults", () => {
    const config = loadExecutorConfig(base);
    expect(config.env).toMatchObject({
      GPUC_MARKETPLACE_URL: "http://127.0.0.1:8080",
      GPUC_DOCKER_SOCKET: "/var/run/docker.sock",
      GPUC_GPUS: "all",
      GPUC_BILLING_PERIOD_SECONDS: 3600,
      GPUC_STOP_GRACE_SECONDS: 30,
      GPUC_HEARTBEAT_SECONDS: 60,
      GPUC_DISK_QUOTA: false,
      GPUC_PORT_NETWORK: "gpuc-rentals",
      GPUC_MAX_CALLS_PER_INSTANCE: 4,
    });
    expect(config.env.GPUC_IMAGE_REGISTRIES).toContain("docker.io");
    expect(config.env.GPUC_IMAGE_REGISTRIES).not.toContain("*");
    expect(
      loadExecutorConfig({ ...base, GPUC_IMAGE_REGISTRIES: "ghcr.io, registry.corp:5000" }).env
        .GPUC_IMAGE_REGISTRIES,
    ).toEqual(["ghcr.io", "registry.corp:5000"]);
    expect(config.jwksUrl).toBe("http://127.0.0.1:8080/.well-known/jwks.json");
    expect(config.providerKey).toEqual({ kind: "secret", secretHex: "1".repeat(64) });
    expect(config.portAllowed(8888)).toBe(true);
    expect(config.portAllowed(22)).toBe(false);
  });

  it("Should read the claim policy: a day of periods by default, an amount in GPUC, and refuse a bad amount", () => {
    expect(loadExecutorConfig(base).env).toMatchObject({
      GPUC_CLAIM_AFTER_PERIODS: 24,
      GPUC_CLAIM_LAST_PERIOD: false,
    });
    expect(loadExecutorConfig(base).env.GPUC_CLAIM_AFTER_GPUC).toBeUndefined();
    const set = loadExecutorConfig({
      ...base,
      GPUC_CLAIM_AFTER_GPUC: "25.5",
      GPUC_CLAIM_LAST_PERIOD: "true",
    });
    expect(set.env.GPUC_CLAIM_AFTER_GPUC).toBe(25_500_000n);
    expect(set.env.GPUC_CLAIM_LAST_PERIOD).toBe(true);
    expect(() => loadExecutorConfig({ ...base, GPUC_CLAIM_AFTER_GPUC: "lots" })).toThrow(
      /GPUC_CLAIM_AFTER_GPUC/,
    );
    expect(() => loadExecutorConfig({ ...base, GPUC_CLAIM_AFTER_PERIODS: "0" })).toThrow(ConfigError);
  });

  it("Should settle on chain when a node and a deployment file are configured, and record otherwise", () => {
    expect(loadExecutorConfig(base).settlement).toEqual({ kind: "recording" });
    const chain = {
      ERGO_NODE_URL: "http://127.0.0.1:9053",
      GPUC_DEPLOYMENT_FILE: "/etc/gpuc/deployment.json",
    };
    expect(loadExecutorConfig({ ...base, ...chain }).settlement).toEqual({
      kind: "chain",
      nodeUrl: "http://127.0.0.1:9053",
      deploymentFile: "/etc/gpuc/deployment.json",
    });
    expect(loadExecutorConfig({ ...base, ...chain, GPUC_SETTLEMENT: "recording" }).settlement).toEqual({
      kind: "recording",
    });
    expect(() => loadExecutorConfig({ ...base, ERGO_NODE_URL: chain.ERGO_NODE_URL })).toThrow(
      /GPUC_DEPLOYMENT_FILE/,
    );
    expect(
      loadExecutorConfig({ ...base, ...chain, GPUC_SETTLEMENT_FEE_NANOERG: "2000000" }).env,
    ).toMatchObject({ GPUC_SETTLEMENT_FEE_NANOERG: 2_000_000n });
  });

  it("Should read secrets from files", async () => {
    const keyFile = join(dir, "api-key");
    const mnemonicFile = join(dir, "mnemonic");
    await writeFile(keyFile, "gpuc_from_file\n");
    await writeFile(mnemonicFile, `${"abandon ".repeat(11)}about\n`);
    const config = loadExecutorConfig({
      GPUC_PROVIDER_ID: "prov-1",
      GPUC_API_KEY_FILE: keyFile,
      GPUC_PROVIDER_MNEMONIC_FILE: mnemonicFile,
    });
    expect(config.apiKey).toBe("gpuc_from_file");
    expect(config.providerKey).toMatchObject({ kind: "mnemonic", mnemonic: `${"abandon ".repeat(11)}about` });
  });

  it("Should refuse missing or conflicting settings with a message naming them", () => {
    expect(() => loadExecutorConfig({})).toThrow(ConfigError);
    expect(() => loadExecutorConfig({})).toThrow(/GPUC_PROVIDER_ID/);
    expect(() => loadExecutorConfig({ ...base, GPUC_API_KEY: undefined })).toThrow(/GPUC_API_KEY/);
    expect(() => loadExecutorConfig({ ...base, GPUC_PROVIDER_MNEMONIC: "a b c" })).toThrow(
      ExecutorConfigError,
    );
    expect(() => loadExecutorConfig({ ...base, GPUC_GPUS: "some" })).toThrow(/recorded:<file>/);
    expect(() => loadExecutorConfig({ ...base, GPUC_ALLOWED_PORTS: "9000-8000" })).toThrow(
      /GPUC_ALLOWED_PORTS/,
    );
  });
});
