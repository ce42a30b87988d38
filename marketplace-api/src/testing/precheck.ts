import type { PrecheckRequest } from "@gpuc/sdk";
import {
  type ExecutorPrecheck,
  ExecutorUnreachableError,
  RentalRefusedError,
} from "../instances/executor-precheck.ts";

export interface PrecheckCall {
  readonly executorUrl: string;
  readonly token: string;
  readonly rentalId: string;
  readonly request: PrecheckRequest;
}

/**
 * The executors' side of the pre-check for marketplace tests, whose providers announce endpoints that do not
 * exist: records each call and answers as told (the real executor's endpoint is tested in executor/ and e2e/).
 */
export class ScriptedPrecheck implements ExecutorPrecheck {
  readonly calls: PrecheckCall[] = [];
  /** The next answers: a reason refuses, "unreachable" fails as a dead executor, undefined accepts. */
  answer: string | "unreachable" | undefined;

  async check(executorUrl: string, token: string, rentalId: string, request: PrecheckRequest): Promise<void> {
    this.calls.push({ executorUrl, token, rentalId, request });
    if (this.answer === "unreachable")
      throw new ExecutorUnreachableError(executorUrl, "connect ECONNREFUSED");
    if (this.answer !== undefined) throw new RentalRefusedError(this.answer);
  }
}
