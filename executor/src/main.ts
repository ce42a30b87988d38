// `gpuc-executor`: the provider's agent. Configuration: environment variables (see executor/README.md);
// `--gpus none|all|recorded:<file>` overrides GPUC_GPUS.
import { parseArgs } from "node:util";
import { createLogger } from "@gpuc/platform";
import { executorEnvSchema, loadExecutorConfig } from "./config.ts";
import { startExecutor } from "./executor.ts";

const USAGE = `Usage: gpuc-executor [--gpus all|none|recorded:<file>]

Runs GPUC rentals on this machine's Docker engine and GPUs, meters them and settles them on chain.
Configure it with environment variables; see executor/README.md. Required: GPUC_PROVIDER_ID, GPUC_API_KEY
(or _FILE), and GPUC_PROVIDER_MNEMONIC or GPUC_PROVIDER_SECRET_KEY (or their _FILE forms).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { gpus: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const loaded = loadExecutorConfig();
  const config =
    values.gpus === undefined
      ? loaded
      : {
          ...loaded,
          env: { ...loaded.env, GPUC_GPUS: executorEnvSchema.shape.GPUC_GPUS.parse(values.gpus) },
        };
  const log = createLogger("executor");
  const executor = await startExecutor(config, { log });
  console.log(`gpuc-executor ${executor.address} serving ${executor.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("EXECUTOR_SIGNAL", { signal });
    // Rental containers keep running: a restarted executor adopts them and settles without loss.
    await executor.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
