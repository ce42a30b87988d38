import { access } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@gpuc/platform";
import type Docker from "dockerode";
import { ImageRegistryRefusedError, ImageUnavailableError } from "./errors.ts";
import { WRITABLE_ROOTFS_LABEL } from "./labels.ts";
import { isImageReference } from "./reference.ts";
import { DEFAULT_IMAGE_REGISTRIES, registryAllowed, registryOf } from "./registry.ts";

export interface PullProgress {
  readonly image: string;
  readonly status: string;
  readonly layer?: string;
  readonly current?: number;
  readonly total?: number;
}

export interface ReadyImage {
  readonly id: string;
  /** True unless the image declares `gpuc.rootfs=writable`. */
  readonly allowsReadOnlyRootfs: boolean;
  /** The image's `VOLUME` paths (each gets a size-capped tmpfs, never a volume on the host disk). */
  readonly volumes: readonly string[];
  readonly source: "local" | "tar" | "registry";
}

/** The file name under GPUC_IMAGE_DIR holding a `docker save` tar of `image` (`/` and `:` become `_`). */
export function imageTarName(image: string): string {
  return `${image.replace(/[/:@]/g, "_")}.tar`;
}

/**
 * Makes a rental's image present before its container is created (pull time is not billed): already local,
 * else loaded from `<imageDir>/<imageTarName>` (air-gapped or pre-seeded providers), else pulled with progress
 * from an allowed registry (anything else is refused before Docker contacts it).
 */
export class ImageStore {
  readonly #docker: Docker;
  readonly #imageDir: string | undefined;
  readonly #log: Logger;
  readonly #registries: readonly string[];

  /** `registries`: where images may be pulled from (`registry.ts`); local images and tars need no pull. */
  constructor(
    docker: Docker,
    log: Logger,
    imageDir?: string,
    registries: readonly string[] = DEFAULT_IMAGE_REGISTRIES,
  ) {
    this.#docker = docker;
    this.#log = log;
    this.#imageDir = imageDir;
    this.#registries = registries;
  }

  async ensure(image: string, onProgress?: (progress: PullProgress) => void): Promise<ReadyImage> {
    if (!isImageReference(image))
      throw new ImageUnavailableError(image, new Error("not a valid image reference"));
    const local = await this.#inspect(image);
    if (local) return { ...local, source: "local" };
    const tar = await this.#tarFor(image);
    if (!tar && !registryAllowed(image, this.#registries)) {
      throw new ImageRegistryRefusedError(image, registryOf(image));
    }
    try {
      if (tar) {
        await this.loadTar(tar);
      } else {
        await this.#pull(image, onProgress);
      }
    } catch (error) {
      throw new ImageUnavailableError(image, error);
    }
    const ready = await this.#inspect(image);
    if (!ready) throw new ImageUnavailableError(image, new Error("not present after loading"));
    return { ...ready, source: (await this.#tarFor(image)) ? "tar" : "registry" };
  }

  /**
   * Why `ensure(image)` would fail, without pulling anything: the image is local or in the image dir (fine), its
   * registry is not allowed, or the registry does not know it (Docker's distribution inspect asks the registry for
   * the manifest only). Undefined when it would be ready. A rental is refused with this before anyone pays.
   */
  async refusal(image: string): Promise<string | undefined> {
    const malformed = await this.#malformed(image);
    if (malformed) return malformed;
    if ((await this.#inspect(image)) || (await this.#tarFor(image))) return undefined;
    if (!registryAllowed(image, this.#registries))
      return new ImageRegistryRefusedError(image, registryOf(image)).message;
    try {
      await this.#docker.getImage(image).distribution({});
      return undefined;
    } catch (error) {
      const reason =
        error instanceof Error ? error.message.replace(/^\(HTTP code \d+\)\s*/, "") : String(error);
      return `Image ${image} is not on this executor and cannot be pulled (${reason.trim()}); check the name and tag`;
    }
  }

  /**
   * Why Docker cannot even parse `image` as a reference (`.i;<eoI`, upper case), or undefined. Docker answers
   * such a name with a 400, which the pre-check used to pass on as a 500.
   */
  async #malformed(image: string): Promise<string | undefined> {
    const advice = "use a name like registry/repository:tag in lower case";
    if (!isImageReference(image)) return `Image ${image} is not a valid image reference; ${advice}`;
    try {
      await this.#inspect(image);
      return undefined;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 400) throw error;
      const reason =
        error instanceof Error ? error.message.replace(/^\(HTTP code \d+\)\s*(unexpected - )?/, "") : "";
      return `Image ${image} is not a valid image reference (${reason.trim()}); ${advice}`;
    }
  }

  /** `docker load` of a tar made by `docker save`. */
  async loadTar(path: string): Promise<void> {
    const stream = await this.#docker.loadImage(path);
    await this.#follow(stream, (event) => this.#log.debug("IMAGE_LOAD_PROGRESS", { path, ...event }));
    this.#log.info("IMAGE_LOADED", { path });
  }

  async #pull(image: string, onProgress?: (progress: PullProgress) => void): Promise<void> {
    this.#log.info("IMAGE_PULL_STARTED", { image });
    const stream = await this.#docker.pull(image);
    await this.#follow(stream, (event) =>
      onProgress?.({
        image,
        status: String(event.status ?? ""),
        ...(typeof event.id === "string" ? { layer: event.id } : {}),
        ...(event.progressDetail?.current !== undefined ? { current: event.progressDetail.current } : {}),
        ...(event.progressDetail?.total !== undefined ? { total: event.progressDetail.total } : {}),
      }),
    );
    this.#log.info("IMAGE_PULLED", { image });
  }

  #follow(stream: NodeJS.ReadableStream, onEvent: (event: ProgressEvent) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#docker.modem.followProgress(
        stream,
        (error: Error | null, events: ProgressEvent[]) => {
          // Docker reports some failures (unknown image, auth) as an error event inside a 200 stream.
          const failed = events?.find((event) => event.error);
          if (error) reject(error);
          else if (failed) reject(new Error(String(failed.error)));
          else resolve();
        },
        onEvent,
      );
    });
  }

  async #inspect(image: string): Promise<Omit<ReadyImage, "source"> | undefined> {
    try {
      const info = await this.#docker.getImage(image).inspect();
      const labels = info.Config?.Labels ?? {};
      return {
        id: info.Id,
        allowsReadOnlyRootfs: labels[WRITABLE_ROOTFS_LABEL] !== "writable",
        volumes: Object.keys(info.Config?.Volumes ?? {}),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async #tarFor(image: string): Promise<string | undefined> {
    if (!this.#imageDir) return undefined;
    const path = join(this.#imageDir, imageTarName(image));
    try {
      await access(path);
      return path;
    } catch {
      return undefined;
    }
  }
}

interface ProgressEvent {
  status?: string;
  id?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}
