// No imports: `gpuc --help` and every usage error load this file and nothing else. The errors that wrap @gpuc/sdk's
// (ApiError, fromSdkError) are in problems.ts.

/** Base of every error the gpuc CLI reports itself; `exitCode` is what the process exits with. */
export class CliError extends Error {
  readonly exitCode: number = 1;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** What `--json` adds to the error document beside `error`, `message` and `exitCode`. */
  get details(): Readonly<Record<string, unknown>> {
    return {};
  }
}

/** The command line does not name a known command or lacks an argument (exit 2). */
export class UsageError extends CliError {
  override readonly exitCode = 2;
}

/** No wallet file where one was looked for. */
export class WalletMissingError extends CliError {
  constructor(readonly path: string) {
    super(`No wallet at ${path}; create one with \`gpuc wallet new\` or set GPUC_WALLET to a wallet file`);
  }
}

/** A wallet file exists where `gpuc wallet new` would write one. */
export class WalletExistsError extends CliError {
  constructor(readonly path: string) {
    super(
      `A wallet already exists at ${path}; pass --force to replace it (its coins are lost without the mnemonic)`,
    );
  }
}

/** A wallet file that cannot be read as one. */
export class WalletUnreadableError extends CliError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`The wallet file ${path} is not a GPUC wallet (${detail}); restore it or create a new one`);
  }
}

/** A service (marketplace, node, executor) could not be reached; exit 4. */
export class UnreachableError extends CliError {
  override readonly exitCode = 4;

  constructor(
    readonly what: string,
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `${what} at ${url} is unreachable (${cause instanceof Error ? cause.message : String(cause)}); is it running (\`npm start\`)? Check the URL setting`,
      { cause },
    );
  }
}

/** Something the command needs is not on chain (no credit account, no stake, no deployment); exit 5. */
export class NotFoundOnChainError extends CliError {
  override readonly exitCode = 5;
}

/** A waited-for condition (confirmation, funding, a state) did not come in time; exit 6. */
export class WaitTimeoutError extends CliError {
  override readonly exitCode = 6;
}

/** No deployment file where the CLI looked for one. */
export class DeploymentMissingError extends CliError {
  constructor(readonly path: string) {
    super(
      `No GPUC deployment at ${path}; run \`npm start\` (it deploys to its devnet and writes it there) or set GPUC_DEPLOYMENT_FILE`,
    );
  }
}
