/**
 * The base of every GPUC protocol input error: thrown by builders BEFORE any transaction is built, so a caller
 * can tell "your request cannot work" from a chain or signing failure.
 *
 * @example
 * try { buildDraw(...) } catch (e) { if (e instanceof GpucProtocolError) return reply(400, e.message); throw e; }
 */
export class GpucProtocolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
