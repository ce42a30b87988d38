import type { Instance, MarketplaceClient } from "@gpuc/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { keys } from "./api.ts";

// After the marketplace refuses the stream (or it breaks past the sdk's reconnects), the page polls once per this.
const FALLBACK_MS = 5_000;

/**
 * Keeps the instance queries current from the marketplace's instance stream (server-sent events over fetch, so the
 * session token goes in a header; the sdk reconnects with Last-Event-ID): each event replaces the cached instance.
 */
export function useInstanceStream(client: MarketplaceClient | undefined, instanceId?: string) {
  const queries = useQueryClient();
  useEffect(() => {
    if (!client) return;
    const abort = new AbortController();
    const apply = (instance: Instance) => {
      queries.setQueryData(keys.instance(instance.id), instance);
      void queries.invalidateQueries({ queryKey: ["instances"], refetchType: "active" });
    };
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          for await (const instance of client.instanceStream(instanceId ? { id: instanceId } : {}, {
            signal: abort.signal,
          }))
            apply(instance);
        } catch {
          if (abort.signal.aborted) return;
          void queries.invalidateQueries({
            queryKey: instanceId ? keys.instance(instanceId) : ["instances"],
          });
        }
        await new Promise((resolve) => setTimeout(resolve, FALLBACK_MS));
      }
    };
    void follow();
    return () => abort.abort();
  }, [client, instanceId, queries]);
}
