// The executor as its own process, for the crash tests to SIGKILL and restart: configured by the environment alone
// (loadExecutorConfig), as `gpuc-executor` runs. Prints one READY line on stdout once it serves.
import { loadExecutorConfig, startExecutor } from "@gpuc/executor";
import { createLogger } from "@gpuc/platform";

const executor = await startExecutor(loadExecutorConfig(), {
  log: createLogger("executor", { level: "info" }),
});
process.stdout.write(`${JSON.stringify({ event: "READY", part: "executor", url: executor.url })}\n`);
process.once("SIGTERM", () => void executor.stop().then(() => process.exit(0)));
