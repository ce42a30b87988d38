import {
  buildConsumerExitTx,
  owedOnExitHours,
  parseConfigBox,
  parseEscrowBox,
  splitFee,
} from "@gpuc/offchain";
import { crashPoint, type Database, type Logger } from "@gpuc/platform";
import { assert, HttpError } from "@gpuc/platform/http";
import type { ExitTx, Instance, InstanceState } from "@gpuc/sdk";
import type { SignedTx } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import { toInstance } from "../instances/instance-views.ts";
import type { InstanceRow, InstancesRepository } from "../instances/instances.repository.ts";
import type { InstanceTransitions } from "../instances/transitions.ts";
import { built, connected, type ProtocolReader } from "../wallet/protocol-node.ts";
import { submitted } from "../wallet/submit.ts";

export interface ExitDeps {
  db: Database;
  repo: InstancesRepository;
  transitions: InstanceTransitions;
  /** Absent without a node: the routes answer 503 (after the caller's instance is found, so a stranger gets 404). */
  reader: ProtocolReader | undefined;
  clock: Clock;
  log: Logger;
}

/** States whose escrow the consumer may take back alone: funded, and not settled by anyone yet. */
const EXITABLE: readonly InstanceState[] = ["Funded", "Starting", "Running", "Stopping", "Failed"];
/** States a consumer exit stops: the executor winds the container down and finds the escrow closed. */
const RUNNING: readonly InstanceState[] = ["Funded", "Starting", "Running"];

/**
 * Consumer exit, the escrow's trustless refund path: the consumer alone signs a spend of the escrow that pays the
 * provider every started, unpaid, prepaid hour and refunds the rest. The marketplace builds it from the escrow and
 * Config boxes on chain, submits what the wallet signed, and stops the rental.
 */
export class ExitService {
  constructor(private readonly d: ExitDeps) {}

  /** The unsigned exit transaction, and how it splits what the escrow holds. */
  async exitTx(principal: Principal, id: string): Promise<ExitTx> {
    const row = exitable(await this.d.transitions.consumerOwned(principal, id));
    const reader = connected(this.d.reader);
    const { client, deployment } = reader.node;
    const escrowBox = await client.unspentBox(row.escrow_box_id!);
    assert(
      escrowBox,
      409,
      `The escrow box ${row.escrow_box_id} of instance ${id} is being spent (a claim or close is pending); retry after the next block`,
    );
    const [configBox, wallet] = await Promise.all([reader.configBox(), reader.wallet(principal.address)]);
    const unsignedTx = built(deployment.gpucTokenId, () =>
      buildConsumerExitTx({ deployment, configBox, escrowBox, consumer: principal.address, ...wallet }),
    );
    // The split the exit makes at the next block, as the builder (and the contract) computes it.
    const config = parseConfigBox(configBox, deployment.configNftId);
    const escrow = parseEscrowBox(escrowBox, deployment);
    const owed = BigInt(owedOnExitHours(escrow, wallet.height + 1, config.blocksPerHour));
    const gross = escrow.pricePerHour * owed < escrow.gpuc ? escrow.pricePerHour * owed : escrow.gpuc;
    this.d.log.info("CONSUMER_EXIT_BUILT", {
      instanceId: id,
      providerShare: gross,
      refund: escrow.gpuc - gross,
    });
    return {
      instance: toInstance(row),
      unsignedTx: { ...unsignedTx },
      refund: (escrow.gpuc - gross).toString(),
      providerShare: gross.toString(),
      fee: splitFee(gross, config.feeBps).fee.toString(),
      height: wallet.height,
    };
  }

  /**
   * Submits the wallet-signed exit and records it as the rental's settlement; a live rental moves to Stopping
   * (user_stopped). The same signed transaction again sends nothing and answers the instance: a retry is safe,
   * also after a crash between the submission and the record (the node knows the transaction: see `submitted`).
   */
  async submit(principal: Principal, id: string, signedTx: SignedTx): Promise<Instance> {
    const row = await this.d.transitions.consumerOwned(principal, id);
    // A retry of this very exit (the indexer may have recorded it first): make sure the rental stops, send nothing.
    if (row.settlement_tx_id === signedTx.id) {
      await this.#record(row, signedTx.id);
      return toInstance((await this.d.repo.find(id))!);
    }
    exitable(row);
    assert(
      signedTx.inputs.some((input) => input.boxId === row.escrow_box_id),
      422,
      `This transaction does not spend the escrow box ${row.escrow_box_id} of instance ${id}; sign the exit from POST /exit`,
    );
    const txId = await submitted(connected(this.d.reader).node.client, signedTx, "consumer exit");
    crashPoint("marketplace.exit.submitted");
    await this.#record(row, txId);
    this.d.log.info("CONSUMER_EXIT_SUBMITTED", { instanceId: id, txId });
    return toInstance((await this.d.repo.find(id))!);
  }

  async #record(row: InstanceRow, txId: string): Promise<void> {
    await this.d.db.transaction(async () => {
      await this.d.repo.setSettlementTx(row.id, txId, this.d.clock.now());
      await this.d.transitions.move(
        row.id,
        (current) => (RUNNING.includes(current.state) ? "Stopping" : current.state),
        { reason: "user_stopped", detail: `consumer exit (transaction ${txId})` },
        { sameStateIsNoop: true },
      );
    });
  }
}

/** The rental if its escrow is the consumer's to exit now; a 409 saying why not otherwise. */
function exitable(row: InstanceRow): InstanceRow {
  const why = refusal(row);
  if (why) throw new HttpError(409, why, { state: row.state });
  return row;
}

function refusal(row: InstanceRow): string | undefined {
  const it = `Instance ${row.id} is ${row.state}`;
  if (row.state === "Created" || !row.escrow_box_id)
    return `${it}: no escrow is on chain yet, so there is nothing to exit; stop it instead`;
  if (row.state === "Disputed")
    return `${it}: the arbiter settles its escrow; wait for the resolution (or for the dispute's grace to end)`;
  if (row.settlement_tx_id)
    return `${it} and its escrow is already settled or being settled by transaction ${row.settlement_tx_id}; nothing is left to exit`;
  if (!EXITABLE.includes(row.state)) return `${it}: its escrow is closed; nothing is left to exit`;
  return undefined;
}
