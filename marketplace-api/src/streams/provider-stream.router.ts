import {
  PROVIDER_RENTAL_EVENT,
  type ProviderRentalEvent,
  providerIdParams,
  providerRentalEventSchema,
} from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import { type EventStream, type EventStreamOptions, openEventStream } from "./event-stream.ts";
import type { InstanceStreamService } from "./instance-stream.service.ts";
import type { ProviderStreamService } from "./provider-stream.service.ts";

/** `GET /api/v1/providers/{providerId}/instances/stream`: the executor's push. */
export function providerStreamRoutes(
  streams: ProviderStreamService,
  lifecycle: Pick<InstanceStreamService, "track">,
  options: EventStreamOptions,
): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/providers/{providerId}/instances/stream",
      tag: "executor",
      summary:
        "Executor: a push when one of this provider's instances changes (server-sent events): `event: rental` with " +
        '`{"type":"changed","instanceId","state"}` per committed change, and `{"type":"sync"}` on connect and after ' +
        "the marketplace may have missed changes (read GET /api/v1/providers/{providerId}/instances then); " +
        "`: keepalive` comments every 15 s. Send the provider's API key as 'Authorization: Bearer'.",
      auth: "provider",
      params: providerIdParams,
      response: providerRentalEventSchema,
      contentType: "text/event-stream",
      errors: [404],
      handle: async ({ principal, params, req, res }) => {
        let stream: EventStream | undefined;
        const early: (() => void)[] = [];
        const sink = (event: ProviderRentalEvent, id: string) => {
          const send = () => stream?.send(PROVIDER_RENTAL_EVENT, id, event);
          if (stream) send();
          else early.push(send);
        };
        const stop = await streams.open(principal!, params.providerId, sink);
        stream = openEventStream(req, res, options);
        // The instance streams' shutdown ends these too: a server does not finish closing while one is open.
        const untrack = lifecycle.track(stream.end);
        for (const send of early) send();
        await stream.done;
        untrack();
        await stop();
      },
    }),
  ];
}
