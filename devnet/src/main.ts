// `npm run devnet`: the devnet alone, serving the Ergo node API. Configuration: see devnet/README.md.
import { createLogger } from "@gpuc/platform";
import { devnetConfig } from "./config.ts";
import { Devnet } from "./devnet.ts";

const config = devnetConfig();
const log = createLogger("devnet");

const devnet = await Devnet.start({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DEVNET_DATA_DIR,
  blockMs: config.DEVNET_BLOCK_MS,
  port: config.DEVNET_PORT,
  host: config.DEVNET_HOST,
  network: config.DEVNET_NETWORK,
  logger: log,
}).catch((error: unknown) => {
  console.error(`The devnet failed to start: ${(error as Error).message}`);
  process.exit(1);
});

console.log(`GPUC devnet at height ${devnet.height}: ${devnet.url} (try ${devnet.url}/info)`);
console.log(`Faucet address: ${devnet.faucetAddress} — POST ${devnet.url}/devnet/faucet {address, nanoErgs}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    devnet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`The devnet did not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  });
}
