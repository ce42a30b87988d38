import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { removeProviderContainers, testDocker, testProviderId } from "../testing/docker.ts";
import { testRental } from "../testing/rentals.ts";
import { type ContainerPolicy, containerCreateOptions } from "./container-spec.ts";
import { ContainerRuntime } from "./containers.ts";
import {
  ensureRentalNetwork,
  ICC_OPTION,
  rentalNetworkCreateOptions,
  UnsafeRentalNetworkError,
} from "./network.ts";

const docker = testDocker();
const runtime = new ContainerRuntime(docker);
const providerId = testProviderId();
const names: string[] = [];
const networkName = () => {
  const name = `gpuc-test-net-${randomBytes(4).toString("hex")}`;
  names.push(name);
  return name;
};

afterAll(async () => {
  await removeProviderContainers(docker, providerId);
  for (const name of names)
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
});

describe("rentalNetworkCreateOptions", () => {
  it("Should ask for a bridge without inter-container traffic, labelled as the executor's, on the given subnet", () => {
    expect(rentalNetworkCreateOptions({ name: "gpuc-rentals", subnet: "10.213.0.0/24" })).toMatchObject({
      Name: "gpuc-rentals",
      Driver: "bridge",
      Internal: false,
      EnableIPv6: false,
      Options: { [ICC_OPTION]: "false" },
      Labels: { "gpuc.managed-by": "gpuc-executor" },
      IPAM: { Config: [{ Subnet: "10.213.0.0/24" }] },
    });
  });
});

describe("The rental network on the real Docker engine", () => {
  it("Should create the network with ICC off once, and find it again", async () => {
    const name = networkName();
    const created = await ensureRentalNetwork(docker, { name });
    const info = await docker.getNetwork(name).inspect();
    expect(info.Driver).toBe("bridge");
    expect(info.Options?.[ICC_OPTION]).toBe("false");
    expect(created.subnet).toBe(info.IPAM?.Config?.[0]?.Subnet);
    expect((await ensureRentalNetwork(docker, { name })).id).toBe(created.id);
  });

  it("Should refuse an existing network that lets containers reach each other", async () => {
    const name = networkName();
    await docker.createNetwork({ Name: name, Driver: "bridge" });
    await expect(ensureRentalNetwork(docker, { name })).rejects.toThrow(UnsafeRentalNetworkError);
    await expect(runtime.ensureNetwork({ name })).rejects.toThrow(/GPUC_PORT_NETWORK/);
  });

  it("Should attach a rental that publishes ports to the rental network only, its port on the host address", async () => {
    const name = networkName();
    const policy: ContainerPolicy = {
      providerId,
      portNetwork: name,
      hostIp: "127.0.0.1",
      tmpfsMb: 16,
      stopGraceSeconds: 1,
      diskQuota: false,
    };
    await runtime.ensureNetwork({ name });
    const rental = testRental({ cmd: ["sleep", "60"], ports: [8080] });
    const id = await runtime.create(containerCreateOptions({ rental, policy, readOnlyRootfs: true }));
    await runtime.start(id);
    const info = await runtime.inspect(id);
    expect(Object.keys(info?.NetworkSettings.Networks ?? {})).toEqual([name]);
    expect(info?.HostConfig.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
  });
});
