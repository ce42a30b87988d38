import { ExecutorError } from "../errors.ts";

/** The rental's image could be neither found locally, loaded from the image folder, nor pulled. */
export class ImageUnavailableError extends ExecutorError {
  constructor(
    readonly image: string,
    cause: unknown,
  ) {
    super(
      `Image ${image} is unavailable (${cause instanceof Error ? cause.message : String(cause)}); publish it to a registry this provider can reach, or put a \`docker save\` tar of it in GPUC_IMAGE_DIR`,
      { cause },
    );
  }
}

/** The executor has no container for this rental (not started yet, or already removed). */
export class ContainerNotFoundError extends ExecutorError {
  constructor(readonly instanceId: string) {
    super(`Rental ${instanceId} has no container on this executor; it may not have started yet or has ended`);
  }
}

/**
 * The image asks for a writable root filesystem (`gpuc.rootfs=writable`) but this executor has no disk quota:
 * the rental could fill the provider's disk.
 */
export class WritableRootfsRefusedError extends ExecutorError {
  constructor(readonly image: string) {
    super(
      `Image ${image} needs a writable root filesystem (label gpuc.rootfs=writable), which this provider allows only with disk quotas (GPUC_DISK_QUOTA=true); use an image that writes only to /tmp and its VOLUME paths`,
    );
  }
}

/** The image would be pulled from a registry the provider does not allow (e.g. an address in its own network). */
export class ImageRegistryRefusedError extends ExecutorError {
  constructor(
    readonly image: string,
    readonly registry: string,
  ) {
    super(
      `Image ${image} would be pulled from ${registry}, which this provider does not allow (GPUC_IMAGE_REGISTRIES); publish it to a public registry such as docker.io or ghcr.io`,
    );
  }
}
