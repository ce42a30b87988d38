import { GpucProtocolError } from "./base.ts";

/** A SigmaProp register (admin, arbiter, owner) can only be written from a P2PK address here. */
export class UnsupportedPropositionError extends GpucProtocolError {
  readonly ergoTree: string;

  constructor(ergoTree: string, role: string) {
    super(`The ${role} must be a P2PK address (ErgoTree 0008cd…); got ErgoTree ${ergoTree.slice(0, 24)}…`);
    this.ergoTree = ergoTree;
  }
}
