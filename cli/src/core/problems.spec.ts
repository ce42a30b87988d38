import { ProblemError, searchQuery } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { ApiError, checkRequest, fromSdkError, humanAmounts } from "./problems.ts";

describe("humanAmounts", () => {
  it("Should write GPUC units and nanoERG counts as GPUC and ERG", () => {
    expect(humanAmounts("needs 2000000 GPUC units, holds 150075000000 nanoERG and 7 GPUs")).toBe(
      "needs 2 GPUC, holds 150.075 ERG and 7 GPUs",
    );
  });
});

describe("ApiError", () => {
  it("Should give the title, the detail and one line per extension", () => {
    const problem = {
      type: "urn:gpuc:problem:x",
      title: "Conflict",
      status: 409,
      detail: "busy",
      pending: 2,
    };
    expect(new ApiError(409, problem, "GET /x").message).toBe("GET /x → 409 Conflict: busy\n  pending: 2");
  });

  it("Should read the 402 of a rental the wallet cannot pay in GPUC, and keep the problem as received", () => {
    const problem = {
      type: "urn:gpuc:problem:insufficient-funds",
      title: "Payment Required",
      status: 402,
      detail:
        "The rental needs 2500000 GPUC units but the wallet holds 500000; add 2000000 GPUC units and retry",
      required: "2500000",
      available: "500000",
      missing: "2000000",
      instance: "urn:gpuc:request:r1",
    };
    const error = new ApiError(402, problem, "POST /api/v1/instances");
    expect(error.message).toBe(
      "POST /api/v1/instances → 402 Payment Required: The rental needs 2.5 GPUC but the wallet holds 0.5 GPUC; add 2 GPUC and retry",
    );
    expect(error.exitCode).toBe(3);
    expect(error.details).toEqual({ problem });
  });
});

describe("checkRequest", () => {
  const request = {
    baseUrl: "http://market",
    method: "GET",
    path: "/api/v1/gpus",
    location: "query",
  } as const;

  it("Should pass what the marketplace's schema accepts", () => {
    const query = { sort: "-price", min_vram: "24", region: undefined };
    expect(() => checkRequest(searchQuery, query, { ...request, query })).not.toThrow();
  });

  it("Should throw the 400 problem the marketplace answers, for the same request line", () => {
    const query = { min_vram: "abc", region: undefined, page: "0" };
    let thrown: unknown;
    try {
      checkRequest(searchQuery, query, { ...request, query });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    const error = thrown as ProblemError;
    expect(error.url).toBe("http://market/api/v1/gpus?min_vram=abc&page=0");
    expect(error.problem).toEqual({
      type: "urn:gpuc:problem:validation",
      title: "Bad Request",
      status: 400,
      detail:
        "Invalid request query: min_vram: Invalid input: expected number, received NaN; page: Too small: expected number to be >=1",
      issues: [
        { path: "min_vram", message: "Invalid input: expected number, received NaN" },
        { path: "page", message: "Too small: expected number to be >=1" },
      ],
    });
    // The issues are in the detail: the human message does not list them twice.
    expect((fromSdkError(error) as ApiError).message).toBe(
      "GET /api/v1/gpus?min_vram=abc&page=0 → 400 Bad Request: Invalid request query: min_vram: Invalid input: expected number, received NaN; page: Too small: expected number to be >=1",
    );
  });
});
