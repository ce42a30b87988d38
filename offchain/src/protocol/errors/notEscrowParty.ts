import { GpucProtocolError } from "./base.ts";

/** The address given as the acting party is not that party of the escrow. */
export class NotEscrowPartyError extends GpucProtocolError {
  readonly boxId: string;
  readonly role: "provider" | "consumer";
  readonly address: string;

  constructor(boxId: string, role: "provider" | "consumer", address: string) {
    super(
      `Escrow ${boxId} does not name ${address} as its ${role}; only the escrow's ${role} can take this action`,
    );
    this.boxId = boxId;
    this.role = role;
    this.address = address;
  }
}
