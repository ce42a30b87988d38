/** Base of every executor error: `name` is the concrete class name, so logs and problem responses can tell them apart. */
export class ExecutorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
