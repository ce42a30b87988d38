import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { LABELS } from "../docker/labels.ts";

export const TEST_IMAGE = process.env.GPUC_TEST_IMAGE ?? "gpuc/busybox:test";

export function testDocker(): Docker {
  return new Docker({ socketPath: process.env.GPUC_TEST_DOCKER_SOCKET ?? "/var/run/docker.sock" });
}

/** A provider id unique to one test file, so cleanup removes only that file's containers. */
export function testProviderId(): string {
  return `test-provider-${randomBytes(4).toString("hex")}`;
}

/** Removes every container labelled with this provider (the tests' cleanup). */
export async function removeProviderContainers(docker: Docker, providerId: string): Promise<void> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.provider}=${providerId}`] },
  });
  await Promise.all(list.map((info) => docker.getContainer(info.Id).remove({ force: true })));
}
