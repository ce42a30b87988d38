export type { ChainClient } from "./chainClient.ts";
export { type WaitOptions, waitForConfirmations } from "./confirm.ts";
export {
  ChainError,
  ChainRejectedError,
  ChainRequestError,
  ChainUnreachableError,
  ConfirmationTimeoutError,
} from "./errors.ts";
export { parseNodeJson, stringifyForNode } from "./json.ts";
export { NodeChainClient, type NodeChainClientOptions } from "./nodeChainClient.ts";
export type * from "./types.ts";
