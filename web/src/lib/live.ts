import { type Instance, instanceSchema, type MarketplaceClient, readServerSentEvents } from "@gpuc/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { keys } from "./api.ts";

// Reconnects after a dropped stream; a marketplace without the stream is polled at this pace instead.
const RECONNECT_MS = 2_000;

/**
 * Keeps the instance queries current from the marketplace's instance stream (server-sent events, read with fetch so
 * the session token goes in a header): each `instance` event replaces the cached instance.
 */
export function useInstanceStream(client: MarketplaceClient | undefined, instanceId?: string) {
  const queries = useQueryClient();
  useEffect(() => {
    if (!client) return;
    const abort = new AbortController();
    const apply = (instance: Instance) => {
      queries.setQueryData(keys.instance(instance.id), instance);
      queries.invalidateQueries({ queryKey: ["instances"], refetchType: "active" });
    };
    void follow(client, instanceId, apply, abort.signal, () =>
      queries.invalidateQueries({ queryKey: instanceId ? keys.instance(instanceId) : ["instances"] }),
    );
    return () => abort.abort();
  }, [client, instanceId, queries]);
}

async function follow(
  client: MarketplaceClient,
  instanceId: string | undefined,
  apply: (instance: Instance) => void,
  signal: AbortSignal,
  poll: () => void,
) {
  while (!signal.aborted) {
    try {
      const response = await client.http.open(
        {
          method: "GET",
          path: "/api/v1/instances/stream",
          query: { id: instanceId },
          accept: "text/event-stream",
        },
        { signal },
      );
      if (!response.body) throw new Error("empty stream");
      for await (const event of readServerSentEvents(response.body)) {
        if (event.event !== "instance") continue;
        const parsed = instanceSchema.safeParse(JSON.parse(event.data));
        if (parsed.success) apply(parsed.data);
      }
    } catch {
      if (signal.aborted) return;
      poll();
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}
