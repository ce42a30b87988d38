// Test harness: a stand-in marketplace on a real loopback HTTP server, answering from fixtures, for the CLI specs
// that check what the CLI prints for an answer (tables, summaries, problems) and what it sends.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Gpu, Instance } from "@gpuc/sdk";
import { runCli } from "../cli.ts";
import { createWalletFile } from "../core/wallet-file.ts";

export interface Recorded {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly body: string;
}

/** An answer: a status and a JSON body (`application/problem+json` for 4xx/5xx). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export interface StandInMarket {
  readonly url: string;
  /** Every request but the sign-in's, in order. */
  readonly requests: Recorded[];
  close(): Promise<void>;
}

/**
 * Starts a marketplace stand-in: sign-in always succeeds; `answer` answers every other request (by method and path
 * without the query), 404 problem when it returns undefined.
 */
export async function standInMarket(
  answer: (method: string, path: string) => Answer | undefined,
): Promise<StandInMarket> {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    const method = req.method ?? "GET";
    const send = ({ status, body: json }: Answer) => {
      const type = status >= 400 ? "application/problem+json" : "application/json";
      res.writeHead(status, { "content-type": type }).end(JSON.stringify(json));
    };
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    if (path === "/api/v1/auth/challenge")
      return send({ status: 200, body: { nonce: "n1", message: "sign me", expiresAt } });
    if (path === "/api/v1/auth/verify") {
      const { address } = JSON.parse(body) as { address: string };
      return send({ status: 200, body: { token: "t1", address, expiresAt } });
    }
    requests.push({ method, url, body });
    send(
      answer(method, path) ?? {
        status: 404,
        body: { type: "urn:gpuc:problem:not-found", title: "Not Found", status: 404, detail: `No ${path}` },
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `gpuc <args>` in process with only `env` as its environment. */
export async function gpuc(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
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

const hex64 = (digit: string) => digit.repeat(64);

/**
 * A wallet and a deployment file in a fresh folder (the deployment's ids are made up: fine for commands that only
 * talk to the marketplace), as the environment of `gpuc`.
 */
export function walletEnv(marketplaceUrl: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "gpuc-cli-market-"));
  const wallet = join(dir, "wallet.json");
  createWalletFile(wallet, {
    mnemonic: "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
  });
  const contract = { ergoTree: "00", address: "x", hash: hex64("0") };
  const deployment = {
    network: "testnet",
    configNftId: hex64("1"),
    bankNftId: hex64("2"),
    gpucTokenId: hex64("3"),
    contracts: {
      config: contract,
      bank: contract,
      creditAccount: contract,
      providerStake: contract,
      rentalEscrow: contract,
    },
    createdAt: "2026-01-01T00:00:00.000Z",
    createdAtHeight: 1,
  };
  const deploymentFile = join(dir, "deployment.json");
  writeFileSync(deploymentFile, JSON.stringify(deployment));
  return {
    GPUC_WALLET: wallet,
    GPUC_DEPLOYMENT_FILE: deploymentFile,
    GPUC_MARKETPLACE_URL: marketplaceUrl,
    ERGO_NODE_URL: "http://127.0.0.1:9",
  };
}

/** A GPU offer as the marketplace answers it. */
export function gpuFixture(overrides: Partial<Gpu> = {}): Gpu {
  return {
    id: "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b",
    providerId: "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
    model: "RTX 4090",
    vramGb: 24,
    count: 1,
    cudaVersion: "12.4",
    cpuCores: 8,
    ramGb: 32,
    diskGb: 200,
    region: "eu-west",
    pricePerHour: "1500000",
    minHours: 1,
    maxHours: 72,
    tflops: 82.6,
    pricePerTflops: 18159.8,
    verification: "verified",
    measuredTflops: 80.1,
    measuredBandwidthGbs: 950,
    pricePerMeasuredTflops: 18726.6,
    reliability: 0.97,
    online: true,
    available: true,
    ...overrides,
  };
}

/** A rental as the marketplace answers it. */
export function instanceFixture(overrides: Partial<Instance> = {}): Instance {
  return {
    id: "9d8c7b6a-5f4e-4d3c-8b2a-190817263544",
    state: "Running",
    consumerAddress: "3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN",
    providerId: "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
    gpuId: "6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b",
    image: "gpuc/busybox:test",
    cmd: ["sh", "-c", "echo hello; sleep 60"],
    ports: null,
    hours: 2,
    pricePerHour: "1500000",
    amount: "3000000",
    escrowTxId: hex64("a"),
    escrowBoxId: hex64("b"),
    startHeight: 100,
    fundedAt: "2026-01-01T10:00:00.000Z",
    expiresAt: "2026-01-01T12:00:00.000Z",
    closeReason: null,
    closeDetail: null,
    billedSeconds: null,
    settlementTxId: null,
    disputeReason: null,
    executorUrl: "http://127.0.0.1:8090",
    createdAt: "2026-01-01T09:59:00.000Z",
    updatedAt: "2026-01-01T10:00:05.000Z",
    ...overrides,
  };
}
