/** Base of every devnet failure; `name` is the concrete class name. */
export class DevnetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
