import { HttpError } from "@gpuc/platform/http";

/**
 * The base of every Rosen-adapter refusal: a request that cannot work as asked (422 unless a subclass says
 * otherwise), with a message that says what to change. The HTTP kit writes it as problem+json; the CLI prints it.
 */
export class BridgeError extends HttpError {
  constructor(message: string, extensions: Readonly<Record<string, unknown>> = {}, status = 422) {
    super(status, message, extensions);
  }
}
