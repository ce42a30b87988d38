import { INSTANCE_STREAM_EVENT, type Instance, instanceSchema, instanceStreamQuery } from "@gpuc/sdk";
import { defineRoute, type Route } from "../core/route.ts";
import { type EventStream, type EventStreamOptions, openEventStream } from "./event-stream.ts";
import type { InstanceStreamService } from "./instance-stream.service.ts";

/**
 * `GET /api/v1/instances/stream`. Mount it before `/api/v1/instances/{id}`, which would take "stream" for an id.
 */
export function instanceStreamRoutes(streams: InstanceStreamService, options: EventStreamOptions): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/instances/stream",
      tag: "instances",
      summary:
        "Live instance state (server-sent events): `event: instance` with the full instance JSON on connect and on " +
        "every change, `: keepalive` comments every 15 s; each event's id is the change's revision, so a " +
        "reconnect with Last-Event-ID also gets the instances that ended meanwhile. Without `id`: your instances " +
        "as their consumer. Send the token as 'Authorization: Bearer' (read it with fetch, not EventSource).",
      auth: "read",
      query: instanceStreamQuery,
      response: instanceSchema,
      contentType: "text/event-stream",
      errors: [404],
      handle: async ({ principal, query, req, res }) => {
        let stream: EventStream | undefined;
        const early: (() => void)[] = [];
        const sink = (instance: Instance, revision: bigint) => {
          const send = () => stream?.send(INSTANCE_STREAM_EVENT, revision.toString(), instance);
          if (stream) send();
          else early.push(send);
        };
        const filter = { id: query.id, afterRevision: revisionOf(req.get("last-event-id")) };
        const stop = await streams.open(principal, filter, sink);
        stream = openEventStream(req, res, options);
        const untrack = streams.track(stream.end);
        for (const send of early) send();
        await stream.done;
        untrack();
        await stop();
      },
    }),
  ];
}

/** A Last-Event-ID this API sent is a revision; anything else starts the stream afresh. */
function revisionOf(header: string | undefined): bigint | undefined {
  return header && /^\d{1,18}$/.test(header) ? BigInt(header) : undefined;
}
