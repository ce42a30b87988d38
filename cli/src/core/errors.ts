import { InvalidAmountError, NetworkError, ProblemError, TimeoutError } from "@gpuc/sdk";

/** Base of every error the gpuc CLI reports itself; `exitCode` is what the process exits with. */
export class CliError extends Error {
  readonly exitCode: number = 1;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
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

/** The marketplace answered with an error (application/problem+json); exit 3. */
export class ApiError extends CliError {
  override readonly exitCode = 3;

  constructor(
    readonly status: number,
    readonly problem: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {
    super(describeProblem(status, problem, path));
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

function describeProblem(status: number, problem: Readonly<Record<string, unknown>>, path: string): string {
  const title = typeof problem.title === "string" ? problem.title : "Request failed";
  const detail = typeof problem.detail === "string" ? `: ${problem.detail}` : "";
  const extra = Object.entries(problem)
    .filter(([key]) => !["type", "title", "status", "detail", "instance"].includes(key))
    .map(([key, value]) => `\n  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("");
  return `${path} → ${status} ${title}${detail}${extra}`;
}

/** No deployment file where the CLI looked for one. */
export class DeploymentMissingError extends CliError {
  constructor(readonly path: string) {
    super(
      `No GPUC deployment at ${path}; run \`npm start\` (it deploys to its devnet and writes it there) or set GPUC_DEPLOYMENT_FILE`,
    );
  }
}

/**
 * The CLI's error for a failure @gpuc/sdk reports, so it exits and reads as it always has: a problem answer is
 * `ApiError` (exit 3), an unreachable or silent service `UnreachableError` (exit 4), a malformed amount
 * `UsageError` (exit 2). Anything else is returned as it is.
 */
export function fromSdkError(error: unknown): unknown {
  if (error instanceof ProblemError)
    return new ApiError(error.status, error.problem, `${error.method} ${error.path}`);
  if (error instanceof TimeoutError) {
    return new UnreachableError(
      error.service,
      error.baseUrl,
      new Error(`no answer within ${error.timeoutMs} ms`),
    );
  }
  if (error instanceof NetworkError)
    return new UnreachableError(error.service, error.baseUrl, error.cause ?? error);
  if (error instanceof InvalidAmountError) return new UsageError(error.message, { cause: error });
  return error;
}
