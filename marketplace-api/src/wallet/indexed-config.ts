import type { IndexStore } from "@gpuc/indexer";
import { type ProtocolConfig, parseConfigBox } from "@gpuc/offchain";
import { HttpError } from "@gpuc/platform/http";
import { toFleetBox } from "../chain/indexed-lineage.ts";

/**
 * The protocol Config as confirmed on chain (the indexed Config box). Before the indexer has seen one (a
 * marketplace with no deployment, or still catching up) it is a 404 that says so.
 */
export async function indexedConfig(index: Pick<IndexStore, "unspentByKind">): Promise<ProtocolConfig> {
  const [box] = await index.unspentByKind("config");
  if (!box) {
    throw new HttpError(
      404,
      "The GPUC Config box is not indexed: the marketplace has no deployment (GPUC_DEPLOYMENT_FILE) or its indexer is still catching up",
    );
  }
  return parseConfigBox(toFleetBox(box));
}
