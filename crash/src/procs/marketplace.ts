// The marketplace as its own process, for the crash tests to SIGKILL and restart: configured by the environment
// alone (loadConfig), as a deployment would run it. Prints one READY line on stdout once it listens.
import { loadConfig, startMarketplace } from "@gpuc/marketplace-api";
import { createLogger } from "@gpuc/platform";

const market = await startMarketplace(loadConfig(), {
  log: createLogger("marketplace-api", { level: "info" }),
});
process.stdout.write(`${JSON.stringify({ event: "READY", part: "marketplace", url: market.url })}\n`);
process.once("SIGTERM", () => void market.stop().then(() => process.exit(0)));
