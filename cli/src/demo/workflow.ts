import type { Deployment } from "@gpuc/ergoscript";
import {
  buildAddCollateral,
  type EscrowState,
  parseConfigBox,
  parseEscrowBox,
  splitFee,
} from "@gpuc/offchain";
import {
  ENDED_STATES,
  formatGpuc,
  GPUC_UNIT,
  type Instance,
  isOneOf,
  type Listing,
  NANOERG,
} from "@gpuc/sdk";
import type { Gpuc } from "../actions/context.ts";
import { drawCredit, openCredit } from "../actions/credit.ts";
import { listProvider, stakeProvider } from "../actions/provider.ts";
import { instanceLogs, rentGpu, stopInstance, waitForInstance } from "../actions/rentals.ts";
import { ChainContext, gpucIn } from "../core/chain.ts";
import { CliError, WaitTimeoutError } from "../core/errors.ts";
import { marketplaceFor } from "../core/market.ts";
import type { Output } from "../core/output.ts";
import { waitUntil } from "../core/wait.ts";
import type { Wallet } from "../core/wallet-file.ts";

/** A check of the reference workflow failed: what was expected and what the chain or the API said. */
export class WorkflowCheckError extends CliError {
  constructor(
    readonly check: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Check failed: ${check} (expected ${expected}, got ${actual})`);
  }
}

export interface WorkflowOptions {
  readonly alice: Wallet;
  readonly bob: Wallet;
  readonly nodeUrl: string;
  readonly marketplaceUrl: string;
  readonly deployment: Deployment;
  /** Step titles and check results, for people. */
  readonly report: Output;
  /** The container's command (a loop printing lines). */
  readonly command?: string;
  readonly timeoutMs?: number;
  /** How long Bob's executor may take to come online after his listing (default 60 s). */
  readonly executorTimeoutMs?: number;
}

/**
 * The executor launcher polls every 5 s, starts the executor and sends a first heartbeat: well within a minute when
 * one runs. Longer means none does.
 */
const EXECUTOR_ONLINE_TIMEOUT_MS = 60_000;

/** Bob's offer never came online: no executor serves it, so the demo rents nothing (no escrow left unserved). */
export class NoExecutorError extends CliError {
  constructor(readonly providerId: string) {
    super(
      `No executor is online for Bob's offer (provider ${providerId}), so the demo rents nothing. npm start runs one ` +
        "only when a Docker engine answers (its summary says so): start one with `bash scripts/services.sh docker`, " +
        "then restart npm start and the demo.",
    );
  }
}

/** What the workflow observed; every amount was checked on chain and through the API. */
export interface WorkflowResult {
  readonly instance: Instance;
  readonly claim: { readonly providerNet: bigint; readonly treasuryFee: bigint };
  readonly settlement: {
    readonly providerNet: bigint;
    readonly treasuryFee: bigint;
    readonly refund: bigint;
  };
  readonly logs: string;
}

/** The demo provider's listing: one RTX 4090 at 1 GPUC per hour in region "devnet". */
export const DEMO_LISTING: Listing = {
  region: "devnet",
  gpus: [
    {
      model: "RTX 4090",
      vramGb: 24,
      count: 1,
      cudaVersion: "12.4",
      cpuCores: 1,
      ramGb: 1,
      diskGb: 1,
      pricePerHour: String(GPUC_UNIT),
      minHours: 1,
      maxHours: 24,
    },
  ],
};

const PRINT_LOOP =
  'i=0; while true; do i=$((i+1)); echo "hello from Alice\'s rental, line $i"; sleep 1; done';

/**
 * The reference workflow (consumer Alice, provider Bob) against a running system, each step checked on chain
 * and through the API: Alice draws 10 GPUC of credit against ERG; Bob stakes and lists a GPU at 1 GPUC/hour; Alice
 * rents it for 2 hours with a container printing lines; after one billing hour Bob's claim lands (Bob +0.98,
 * treasury +0.02); Alice reads her container's logs from the executor with her credential; Alice stops; the
 * partial hour settles and her refund arrives.
 */
export async function runReferenceWorkflow(options: WorkflowOptions): Promise<WorkflowResult> {
  const out = options.report;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const quiet: Output = { progress: (text) => out.progress(`    ${text}`), result: () => undefined };
  const session = (wallet: Wallet): Gpuc => ({
    wallet,
    chain: new ChainContext(options.nodeUrl, options.deployment, quiet, timeoutMs),
    market: marketplaceFor(options.marketplaceUrl, wallet.signer),
    output: quiet,
  });
  const alice = session(options.alice);
  const bob = session(options.bob);
  const chain = alice.chain;
  const config = parseConfigBox(await chain.configBox(), options.deployment.configNftId);
  const gpucOf = async (address: string) => (await chain.balance(address)).gpuc;
  const treasuryGpuc = async () =>
    gpucIn(await chain.client.unspentByErgoTree(config.treasury), options.deployment.gpucTokenId);
  const check = (name: string, expected: unknown, actual: unknown) => {
    if (String(expected) !== String(actual))
      throw new WorkflowCheckError(name, String(expected), String(actual));
    out.progress(`  ✓ ${name}: ${String(actual)}`);
  };

  out.progress("1. Alice draws 10 GPUC of credit against ERG collateral");
  const aliceStart = await gpucOf(alice.wallet.address);
  let account = await chain.creditAccount(alice.wallet.address);
  if (!account) {
    await openCredit(alice, 30n * NANOERG);
    account = await chain.creditAccount(alice.wallet.address);
  } else {
    // A repeated demo: Alice still owes the earlier draws, so she backs the new one with more collateral.
    const tx = buildAddCollateral(
      {
        deployment: options.deployment,
        configBox: await chain.configBox(),
        account: account.box,
        amount: 20n * NANOERG,
      },
      await chain.wallet(alice.wallet.address),
    );
    await chain.submit(alice.wallet.signer, tx, "add collateral");
    account = await chain.creditAccount(alice.wallet.address);
  }
  const debtBefore = account?.debt ?? 0n;
  await drawCredit(alice, 10n * GPUC_UNIT);
  check(
    "Alice's debt grew by 10 GPUC (chain)",
    debtBefore + 10n * GPUC_UNIT,
    (await chain.creditAccount(alice.wallet.address))?.debt,
  );
  check("Alice holds 10 GPUC more (chain)", aliceStart + 10n * GPUC_UNIT, await gpucOf(alice.wallet.address));

  out.progress("2. Bob stakes ERG and lists a GPU at 1 GPUC per hour");
  const gpuCount = BigInt(DEMO_LISTING.gpus.length);
  const existingStake = await chain.stake(bob.wallet.address);
  const needed = config.minStakePerGpu * gpuCount;
  const topUp = existingStake && existingStake.value >= needed ? 1n * NANOERG : needed + NANOERG;
  const stake = await stakeProvider(bob, { nanoErgs: topUp, listing: DEMO_LISTING });
  check("Bob's stake is bonded and covers the GPU (chain)", true, stake.nanoErgs >= needed);
  const provider = await listProvider(bob, { name: "bob-rig", listing: DEMO_LISTING });
  check("Bob's GPU is listed (API)", true, provider.listed);
  // The offer is rentable once Bob's executor is online (its first signed heartbeat). Nothing is rented before:
  // without an executor Alice's escrow would sit unserved, so the demo stops here with what to do.
  const offer = await waitUntil(
    "Bob's offer to be online (his executor's heartbeat)",
    async () =>
      (await alice.market.searchGpus({ max_price: GPUC_UNIT, available: true })).items.find(
        (item) => item.providerId === provider.id,
      ),
    (found) => found !== undefined,
    (found) => (found ? `offer ${found.id} online` : "waiting for Bob's executor to come online"),
    {
      onChange: (text) => out.progress(`    ${text}`),
      timeoutMs: Math.min(timeoutMs, options.executorTimeoutMs ?? EXECUTOR_ONLINE_TIMEOUT_MS),
      pollMs: 500,
    },
  ).catch((error: unknown) => {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new NoExecutorError(provider.id);
  });
  check(
    "Bob's offer is found by search at ≤ 1 GPUC/h, online (API)",
    formatGpuc(GPUC_UNIT),
    formatGpuc(BigInt(offer!.pricePerHour)),
  );

  out.progress("3. Alice rents it for 2 hours with a container printing lines");
  const aliceBeforeRent = await gpucOf(alice.wallet.address);
  const bobBefore = await gpucOf(bob.wallet.address);
  const treasuryBefore = await treasuryGpuc();
  const running = await rentGpu(
    alice,
    {
      gpuId: offer!.id,
      hours: 2,
      image: "gpuc/busybox:test",
      cmd: ["sh", "-c", options.command ?? PRINT_LOOP],
    },
    { untilRunning: true },
  );
  check("the executor runs Alice's container (API)", "Running", running.state);
  const escrow = await escrowOf(chain, options.deployment, running.id);
  check(
    "the escrow holds 2 GPUC for 2 prepaid hours (chain)",
    `${2n * GPUC_UNIT}/2`,
    `${escrow?.gpuc}/${escrow?.prepaidHours}`,
  );
  check(
    "Alice paid 2 GPUC into it (chain)",
    aliceBeforeRent - 2n * GPUC_UNIT,
    await gpucOf(alice.wallet.address),
  );

  out.progress("4. After one billing hour, Bob's claim lands on chain");
  await waitUntil(
    "Bob's claim of the first hour",
    () => escrowOf(chain, options.deployment, running.id, true),
    (state) => (state?.paidHours ?? 0) >= 1,
    (state) => `escrow paid hours: ${state?.paidHours ?? "closed"}`,
    { onChange: (text) => out.progress(`    ${text}`), timeoutMs, pollMs: 250 },
  );
  const claimedAt = Date.now();
  const claim = {
    providerNet: (await gpucOf(bob.wallet.address)) - bobBefore,
    treasuryFee: (await treasuryGpuc()) - treasuryBefore,
  };
  const expected = splitFee(GPUC_UNIT, config.feeBps);
  check("Bob received 0.98 GPUC (chain)", formatGpuc(expected.net), formatGpuc(claim.providerNet));
  check("the treasury received 0.02 GPUC (chain)", formatGpuc(expected.fee), formatGpuc(claim.treasuryFee));

  out.progress("5. Alice reads her container's logs from the executor with her credential");
  const logs = await waitUntil(
    "the container's output",
    () => instanceLogs(alice, running.id, { tail: 5 }),
    (text) => text.includes("line"),
    (text) => `${text.split("\n").filter(Boolean).length} line(s)`,
    { timeoutMs: 30_000 },
  );
  out.progress(
    logs
      .split("\n")
      .filter(Boolean)
      .map((line) => `    | ${line}`)
      .join("\n"),
  );
  check("the logs are the container's output", true, logs.includes("hello from Alice's rental"));

  out.progress("6. Alice stops; the partial hour settles and her refund arrives");
  await runIntoSecondHour(running, claimedAt, (text) => out.progress(`    ${text}`));
  const aliceBeforeStop = await gpucOf(alice.wallet.address);
  const bobBeforeStop = await gpucOf(bob.wallet.address);
  const treasuryBeforeStop = await treasuryGpuc();
  await stopInstance(alice, running.id);
  const ended = await waitForInstance(
    alice,
    running.id,
    (i) => isOneOf(i.state, ENDED_STATES),
    "to end",
    timeoutMs,
  );
  check(
    "the instance completed, stopped by Alice (API)",
    "Completed/user_stopped",
    `${ended.state}/${ended.closeReason}`,
  );
  await waitUntil(
    "the escrow's settlement",
    () => escrowOf(chain, options.deployment, running.id, true),
    (state) => state === undefined,
    (state) => (state ? `escrow still open (${state.paidHours} paid)` : "escrow closed"),
    { onChange: (text) => out.progress(`    ${text}`), timeoutMs, pollMs: 250 },
  );
  const settlement = {
    providerNet: (await gpucOf(bob.wallet.address)) - bobBeforeStop,
    treasuryFee: (await treasuryGpuc()) - treasuryBeforeStop,
    refund: (await gpucOf(alice.wallet.address)) - aliceBeforeStop,
  };
  const gross = settlement.providerNet + settlement.treasuryFee;
  check(
    "the rest of the escrow went to Bob, the treasury and Alice (chain)",
    formatGpuc(GPUC_UNIT),
    formatGpuc(gross + settlement.refund),
  );
  check(
    "the fee is 2% of Bob's partial hour (chain)",
    formatGpuc(splitFee(gross, config.feeBps).fee),
    formatGpuc(settlement.treasuryFee),
  );
  check("Alice got a refund (chain)", true, settlement.refund > 0n);
  out.progress(
    `  Bob +${formatGpuc(settlement.providerNet)}, treasury +${formatGpuc(settlement.treasuryFee)}, Alice refunded ${formatGpuc(settlement.refund)}`,
  );
  return { instance: ended, claim, settlement, logs };
}

/** The rental's current escrow box (confirmed, unless `withPool`), if still open. */
async function escrowOf(
  chain: ChainContext,
  deployment: Deployment,
  instanceId: string,
  confirmedOnly = false,
): Promise<EscrowState | undefined> {
  const boxes = await chain.client.unspentByErgoTree(deployment.contracts.rentalEscrow.ergoTree, {
    includeUnconfirmed: !confirmedOnly,
    excludeMempoolSpent: !confirmedOnly,
  });
  const rentalId = instanceId.replaceAll("-", "");
  for (const box of boxes) {
    try {
      const escrow = parseEscrowBox(box, deployment);
      if (escrow.rentalId === rentalId) return escrow;
    } catch {
      // not an escrow box (someone sent coins to the script address)
    }
  }
  return undefined;
}

/** The share of the second billing hour Alice's container runs before she stops it. */
const PARTIAL_HOUR_SHARE = 0.25;

/**
 * Waits until the rental is a quarter into its second hour, so the close has a partial hour to pay: the claim of
 * the first one lands within a second of that hour's end, and a stop right then would settle 0 s of the second.
 * The hour's length is the instance's own (its prepaid span over its hours): seconds on a devnet.
 */
async function runIntoSecondHour(
  instance: Instance,
  claimedAt: number,
  progress: (text: string) => void,
): Promise<void> {
  if (!instance.fundedAt || !instance.expiresAt) return;
  const hourMs = (Date.parse(instance.expiresAt) - Date.parse(instance.fundedAt)) / instance.hours;
  const waitMs = Math.max(0, claimedAt + hourMs * PARTIAL_HOUR_SHARE - Date.now());
  if (waitMs === 0) return;
  progress(`letting the container run ${(waitMs / 1000).toFixed(1)} s into the second hour`);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
}
