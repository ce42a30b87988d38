// `npm run demo`: the reference workflow (consumer Alice, provider Bob) against a system started with `npm start`
// at the default URLs, printing each step and each check. Uses the demo wallets `npm start` created and funded.
import { join } from "node:path";
import {
  createOutput,
  loadCliConfig,
  NoExecutorError,
  readWalletFile,
  runReferenceWorkflow,
} from "@gpuc/cli";
import { readDeployment } from "@gpuc/offchain";
import { formatGpuc } from "@gpuc/sdk";

async function main(): Promise<void> {
  const config = loadCliConfig();
  const wallets = join(config.dataDir, "wallets");
  const started = Date.now();
  const result = await runReferenceWorkflow({
    alice: readWalletFile(join(wallets, "alice.json")),
    bob: readWalletFile(join(wallets, "bob.json")),
    nodeUrl: config.nodeUrl,
    marketplaceUrl: config.marketplaceUrl,
    deployment: readDeployment(config.deploymentFile),
    report: createOutput({ stderr: (text) => process.stdout.write(text) }),
  });
  const s = result.settlement;
  console.log(
    `\nDone in ${Math.round((Date.now() - started) / 1000)} s: instance ${result.instance.id} ${result.instance.state}; first hour Bob +${formatGpuc(result.claim.providerNet)} / treasury +${formatGpuc(result.claim.treasuryFee)}; partial hour Bob +${formatGpuc(s.providerNet)} / treasury +${formatGpuc(s.treasuryFee)}; Alice refunded ${formatGpuc(s.refund)}.`,
  );
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof NoExecutorError))
    console.error(
      "Is the system running (`npm start`)? The demo uses its data dir (GPUC_DATA_DIR, default .data).",
    );
  process.exit(1);
});
