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
