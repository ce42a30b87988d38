import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  gpuc,
  gpuFixture,
  instanceFixture,
  type StandInMarket,
  standInMarket,
  walletEnv,
} from "../testing/market.ts";

const failed = instanceFixture({
  id: "1d8c7b6a-5f4e-4d3c-8b2a-190817263544",
  state: "Failed",
  closeReason: "provider_rejected",
  closeDetail: "GPUs GPU-7 are already rented",
  expiresAt: null,
  billedSeconds: 0,
  hours: 10,
  amount: "15000000",
});

/** What the marketplace answers when the offer's executor refuses the rental before anyone pays. */
const refusal = {
  type: "urn:gpuc:problem:rental-refused",
  title: "Unprocessable Content",
  status: 422,
  detail:
    "The provider's executor refuses this rental: Image ghcr.io/acme/trainer:v2 is not on this executor and cannot be pulled (manifest unknown)",
  reason: "Image ghcr.io/acme/trainer:v2 is not on this executor and cannot be pulled (manifest unknown)",
};

describe("gpuc rent and gpuc instances (against a stand-in marketplace)", () => {
  let market: StandInMarket;
  let env: Record<string, string>;

  beforeAll(async () => {
    market = await standInMarket((method, path) => {
      if (method === "GET" && path === "/api/v1/instances")
        return { status: 200, body: { items: [instanceFixture(), failed], page: 1, limit: 100, total: 2 } };
      if (method === "GET" && path === `/api/v1/instances/${failed.id}`) return { status: 200, body: failed };
      if (method === "POST" && path === "/api/v1/instances") return { status: 422, body: refusal };
      return undefined;
    });
    env = walletEnv(market.url);
  });
  afterAll(() => market.close());

  it("Should list rentals as an aligned table, amounts in GPUC, with why each ended", async () => {
    const result = await gpuc(["instances"], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      [
        "ID                                    STATE                       IMAGE              HOURS   PRICE/H   ESCROW  UNTIL",
        "9d8c7b6a-5f4e-4d3c-8b2a-190817263544  Running                     gpuc/busybox:test      2  1.5 GPUC   3 GPUC  2026-01-01T12:00:00.000Z",
        "1d8c7b6a-5f4e-4d3c-8b2a-190817263544  Failed (provider_rejected)  gpuc/busybox:test     10  1.5 GPUC  15 GPUC  —",
        "2 of 2 instances",
        "",
      ].join("\n"),
    );
  });

  it("Should show a failed rental as a key/value summary with its close reason, raw JSON only with --json", async () => {
    const result = await gpuc(["instances", "show", failed.id], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "instance      1d8c7b6a-5f4e-4d3c-8b2a-190817263544",
        "state         Failed",
        "close reason  provider_rejected: the provider's executor refused the rental or could not run it",
        "why           GPUs GPU-7 are already rented",
        "GPU offer     6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b",
        "provider      0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
        "image         gpuc/busybox:test",
        "command       sh -c 'echo hello; sleep 60'",
        "price         10 h × 1.5 GPUC = 15 GPUC in escrow",
        "billed        0 s",
        "funded        2026-01-01T10:00:00.000Z",
        `escrow box    ${"b".repeat(64)}`,
        `escrow tx     ${"a".repeat(64)}`,
        "executor      http://127.0.0.1:8090",
        "created       2026-01-01T09:59:00.000Z",
        "updated       2026-01-01T10:00:05.000Z",
        "",
      ].join("\n"),
    );
    expect(result.stdout).not.toContain("{");
    const json = await gpuc(["instances", "show", failed.id, "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual(failed);
    // `gpuc instances <id>` is `gpuc instances show <id>`.
    expect((await gpuc(["instances", failed.id], env)).stdout).toBe(result.stdout);
  });

  it("Should exit 3 with the problem's detail when the marketplace refuses the rental", async () => {
    const args = ["rent", gpuFixture().id, "--image", "ghcr.io/acme/trainer:v2", "--hours", "2"];
    const result = await gpuc(args, env);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "gpuc: POST /api/v1/instances → 422 Unprocessable Content: The provider's executor refuses this rental: Image ghcr.io/acme/trainer:v2 is not on this executor and cannot be pulled (manifest unknown)\n",
    );
    const json = await gpuc([...args, "--json"], env);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: "ApiError", exitCode: 3, problem: refusal });
  });

  it("Should check the rental as the marketplace would before signing in or sending anything", async () => {
    const before = market.requests.length;
    const gpu = gpuFixture().id;
    const image = await gpuc(["rent", gpu, "--image", "my image", "--hours", "2"], env);
    expect(image.code).toBe(3);
    expect(image.stderr).toBe(
      "gpuc: POST /api/v1/instances → 400 Bad Request: Invalid request body: image: must be a container image reference\n",
    );
    const hours = await gpuc(["rent", gpu, "--image", "busybox", "--hours", "9000", "--env", "1X=a"], env);
    expect(hours.stderr).toBe(
      "gpuc: POST /api/v1/instances → 400 Bad Request: Invalid request body: hours: Too big: expected number to be <=8760; env.1X: Invalid key in record\n",
    );
    const id = await gpuc(["rent", "rtx-4090", "--image", "busybox", "--hours", "1"], env);
    expect(id.stderr).toMatch(/Invalid request body: gpuId: Invalid UUID\n$/);
    const show = await gpuc(["instances", "show", "42"], env);
    expect(show.code).toBe(3);
    expect(show.stderr).toBe(
      "gpuc: GET /api/v1/instances/42 → 400 Bad Request: Invalid request params: id: Invalid UUID\n",
    );
    expect(market.requests.length).toBe(before);
  });

  it("Should exit 2 on what is no request at all: a missing flag, a bad --env pair, a bad --tail", async () => {
    const gpu = gpuFixture().id;
    const missing = await gpuc(["rent", gpu, "--hours", "1"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^gpuc: Missing --image\. Usage: gpuc rent <gpu-id>/);
    const pair = await gpuc(["rent", gpu, "--image", "busybox", "--hours", "1", "--env", "NOEQUALS"], env);
    expect(pair).toMatchObject({ code: 2, stderr: 'gpuc: --env wants KEY=VALUE, not "NOEQUALS"\n' });
    const tail = await gpuc(["instances", "logs", failed.id, "--tail", "-5"], env);
    expect(tail).toMatchObject({
      code: 2,
      stderr: "gpuc: --tail: Too small: expected number to be >=0\n",
    });
  });
});
