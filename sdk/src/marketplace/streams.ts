import * as z from "zod";

/** The server-sent event that carries an instance's full state (its data is an `Instance`, JSON). */
export const INSTANCE_STREAM_EVENT = "instance";

/** `GET /api/v1/instances/stream`: one instance (`id`), or every instance of the signed-in consumer. */
export const instanceStreamQuery = z.object({
  id: z.uuid().optional().describe("Follow only this instance (yours as its consumer or its provider)"),
});

export type InstanceStreamQuery = z.input<typeof instanceStreamQuery>;
