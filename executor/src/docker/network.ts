import type Docker from "dockerode";
import type { NetworkCreateOptions, NetworkInspectInfo } from "dockerode";
import { ExecutorError } from "../errors.ts";
import { LABELS, MANAGED_BY } from "./labels.ts";

/** Docker's bridge option that, when "false", drops traffic between containers of the network. */
export const ICC_OPTION = "com.docker.network.bridge.enable_icc";

/** The network rentals with published ports join. */
export interface RentalNetworkSpec {
  readonly name: string;
  /** Fixed IPv4 subnet (CIDR), so the host firewall rules can name it; Docker picks one when unset. */
  readonly subnet?: string;
}

export interface RentalNetwork {
  readonly id: string;
  readonly name: string;
  /** The subnet Docker gave the network (for the DOCKER-USER rules), when it reports one. */
  readonly subnet?: string;
}

/** The configured rental network exists but lets containers talk to each other (e.g. Docker's default bridge). */
export class UnsafeRentalNetworkError extends ExecutorError {
  constructor(readonly network: string) {
    super(
      `Docker network ${network} is not a bridge with ${ICC_OPTION}=false, so rentals on it could reach each other; set GPUC_PORT_NETWORK to a name the executor may create (default gpuc-rentals) or remove that network`,
    );
  }
}

/**
 * A bridge network of its own for rentals that publish ports, with inter-container traffic off (ICC false):
 * rentals cannot reach each other. It still reaches the host, the LAN and the internet through NAT; the
 * provider's DOCKER-USER/INPUT rules on its subnet close those (README "Network").
 */
export function rentalNetworkCreateOptions(spec: RentalNetworkSpec): NetworkCreateOptions {
  return {
    Name: spec.name,
    CheckDuplicate: true,
    Driver: "bridge",
    Internal: false,
    Attachable: false,
    EnableIPv6: false,
    Options: { [ICC_OPTION]: "false" },
    Labels: { [LABELS.managedBy]: MANAGED_BY },
    ...(spec.subnet ? { IPAM: { Driver: "default", Config: [{ Subnet: spec.subnet }] } } : {}),
  };
}

/** Creates the rental network if missing; refuses an existing one of that name with ICC on. */
export async function ensureRentalNetwork(docker: Docker, spec: RentalNetworkSpec): Promise<RentalNetwork> {
  let info = await inspectNetwork(docker, spec.name);
  if (!info) {
    try {
      await docker.createNetwork(rentalNetworkCreateOptions(spec));
    } catch (error) {
      // 409: another executor (or a concurrent call) created it first; checked below like any existing one.
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
    info = await inspectNetwork(docker, spec.name);
  }
  if (info?.Driver !== "bridge" || info.Options?.[ICC_OPTION] !== "false") {
    throw new UnsafeRentalNetworkError(spec.name);
  }
  const subnet = info.IPAM?.Config?.[0]?.Subnet;
  return { id: info.Id, name: info.Name, ...(subnet ? { subnet } : {}) };
}

async function inspectNetwork(docker: Docker, name: string): Promise<NetworkInspectInfo | undefined> {
  try {
    return await docker.getNetwork(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
