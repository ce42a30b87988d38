import type { ContainerInspectInfo } from "dockerode";
import type { RunFacts } from "../ledger/receipt-store.ts";

const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * What a usage receipt takes from `docker inspect`: the content id of the image the container was created from
 * (`Image`, the digest of what actually runs, whatever tag named it) and, once it stopped, its exit code.
 */
export function runFacts(info: Pick<ContainerInspectInfo, "Image" | "State">): RunFacts {
  return {
    imageDigest: IMAGE_ID.test(info.Image) ? info.Image : null,
    exitCode: info.State.Running ? null : info.State.ExitCode,
  };
}
