import * as z from "zod";

/** The server-sent event that carries an instance's full state (its data is an `Instance`, JSON). */
export const INSTANCE_STREAM_EVENT = "instance";

/** `GET /api/v1/instances/stream`: one instance (`id`), or every instance of the signed-in consumer. */
export const instanceStreamQuery = z.object({
  id: z.uuid().optional().describe("Follow only this instance (yours as its consumer or its provider)"),
});

export type InstanceStreamQuery = z.input<typeof instanceStreamQuery>;

/** The server-sent event of a provider's rental stream (its data is a `ProviderRentalEvent`, JSON). */
export const PROVIDER_RENTAL_EVENT = "rental";

/**
 * `GET /api/v1/providers/{providerId}/instances/stream`, for the provider's executor: `changed` says one of its
 * rentals changed (ask `assignedRentals` for what it must run now); `sync` comes first on every (re)connect, as
 * changes made while the stream was down are not replayed.
 */
export const providerRentalEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("changed"), instanceId: z.uuid(), state: z.string() }),
  z.object({ type: z.literal("sync") }),
]);

export type ProviderRentalEvent = z.output<typeof providerRentalEventSchema>;
