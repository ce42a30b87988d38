import type { Amount, Box } from "@fleet-sdk/common";
import type { Deployment } from "@gpuc/ergoscript";
import { type ProtocolConfig, parseConfigBox } from "../config.ts";

/** The protocol boxes a LETS action reads or spends: the current Config box and (when GPUC moves) the Bank box. */
export interface LetsBoxes {
  readonly deployment: Deployment;
  /** The current Config box (data input), found by `deployment.configNftId`. */
  readonly configBox: Box<Amount>;
  /** The current Bank box, found by `deployment.bankNftId`; needed whenever GPUC enters or leaves the Bank. */
  readonly bankBox?: Box<Amount>;
}

/** The Config of a LETS action, checked to be the genuine Config box. */
export function letsConfig(boxes: LetsBoxes): ProtocolConfig {
  return parseConfigBox(boxes.configBox, boxes.deployment.configNftId);
}
