import { DEFAULT_PARAMS } from "@gpuc/offchain";
import { formatErg } from "@gpuc/sdk";
import { describe, expect, it } from "vitest";
import { DEPLOY_DEFAULTS } from "./deploy.params.ts";

describe("gpuc deploy's defaults", () => {
  it("Should be @gpuc/offchain's DEFAULT_PARAMS, written out for the help (which loads no offchain)", () => {
    const { minStakePerGpu, price, ...whole } = DEPLOY_DEFAULTS;
    expect({ ...whole, minStakePerGpu: `${minStakePerGpu} ERG` }).toEqual({
      ...DEFAULT_PARAMS,
      minStakePerGpu: formatErg(DEFAULT_PARAMS.minStakePerGpu),
    });
    expect(price).toBe("1");
  });
});
