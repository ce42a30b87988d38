// `npm start`: the whole GPUC marketplace on embedded defaults — database, devnet, deployment, demo wallets,
// marketplace API + indexer, and an executor when Docker answers. One log line per part (JSON on stderr) and a
// summary here. Ctrl-C stops every part in reverse order; a second start resumes from the same data directory.
import { loadSystemConfig, type RunningSystem, startSystem } from "@gpuc/cli";

let system: RunningSystem | undefined;
let stopping = false;

async function main(): Promise<void> {
  const config = loadSystemConfig();
  system = await startSystem(config);
  console.log(`
GPUC is up (data in ${config.dataDir}).
  chain        ${system.nodeUrl}${system.devnet ? " (devnet)" : ""}
  marketplace  ${system.marketplaceUrl}   (OpenAPI: ${system.marketplaceUrl}/api/v1/openapi.json)
  executor     ${system.executor ? `starts once ${config.executorWallet} is a registered provider (the demo's step 2)` : `off: ${system.executorOff}`}
  deployment   ${system.deploymentFile}
  billing hour ${system.periodSeconds} s
${system.executor ? "Try: npm run demo      or: " : "Without an executor the demo cannot run a rental. Try: "}GPUC_WALLET=${config.walletsDir}/alice.json npx gpuc wallet balance
Ctrl-C to stop.`);
  system.executor?.started.then((executor) => console.log(`Executor running at ${executor.url}`));
}

async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping GPUC…`);
  await system?.stop();
  process.exit(code);
}

process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
main().catch(async (error: unknown) => {
  console.error(`GPUC failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown("error", 1);
});
