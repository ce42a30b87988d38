import type { PrecheckRequest } from "@gpuc/sdk";
import { rejectionReason } from "./acceptance.ts";
import type { AgentDeps } from "./deps.ts";
import { listGpus } from "./gpus.ts";

type PrecheckDeps = Pick<AgentDeps, "ledger" | "images" | "probe" | "log" | "options">;

/**
 * Why this executor would refuse a rental the marketplace is about to create, or undefined if it would run it:
 * the same checks as taking it on (GPUs here and free, ports allowed; pins dropped under `GPUC_GPU_PINS=ignore`),
 * then whether its image is local, in the image dir, or pullable from an allowed registry. Nothing is pulled or
 * reserved: the marketplace asks before the consumer pays, and the take-on checks again once the escrow exists.
 */
export async function precheckRental(
  deps: PrecheckDeps,
  instanceId: string,
  request: PrecheckRequest,
): Promise<string | undefined> {
  const gpuIds = deps.options.gpuPins === "ignore" ? [] : request.gpuIds;
  const rental = { id: instanceId, gpuIds, ports: request.ports ?? [] };
  const refusal =
    rejectionReason(rental, await listGpus(deps), await deps.ledger.active(), deps.options.portAllowed) ??
    (await deps.images.refusal(request.image));
  if (refusal)
    deps.log.info("RENTAL_PRECHECK_REFUSED", { instanceId, image: request.image, reason: refusal });
  return refusal;
}
