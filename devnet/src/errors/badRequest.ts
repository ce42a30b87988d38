import { DevnetError } from "./devnetError.ts";

/** A request the devnet cannot act on (bad address, bad parameter); the message says what to send instead. */
export class DevnetBadRequestError extends DevnetError {}
