import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NodeChainClient, readDeployment, Signer } from "@gpuc/offchain";
import { buildGuardPayment } from "@gpuc/rosen-adapter/faucet";
import { parseAmount } from "@gpuc/sdk";
import { z } from "zod";
import { ChainContext } from "../core/chain.ts";
import { CliError } from "../core/errors.ts";
import { readWalletFile } from "../core/wallet-file.ts";
import { type CommandEnv, optionalString, stringOption } from "./command.ts";

// What the faucet reads of `<data dir>/rosen.json` (written by npm start): the Ergo side of the devnet token map.
const rosenTokens = z.object({
  tokenMap: z.object({
    tokens: z.array(
      z.object({
        ergo: z.object({ tokenId: z.string(), name: z.string(), decimals: z.number() }).optional(),
      }),
    ),
  }),
});

/**
 * A guard-style payment on the devnet: the devnet guard (the wallet holding every devnet bridged token) pays
 * `--amount` of `--token` to a P2PK address, as Rosen's guards pay a transfer into Ergo.
 */
export async function faucet(env: CommandEnv): Promise<void> {
  const { config, output } = env;
  const token = devnetToken(config.dataDir, stringOption(env, "token"));
  const amount = parseAmount(stringOption(env, "amount"), token.decimals, `The ${token.name} amount`);
  const to = optionalString(env, "to") ?? readWalletFile(config.walletPath).address;
  const guard = Signer.fromSecretHex(readSecret(join(config.dataDir, "keys", "rosen-guard.key")));
  const client = new NodeChainClient(config.nodeUrl);
  const tx = buildGuardPayment({
    inputs: await client.unspentByAddress(guard.address),
    height: await client.height(),
    guardAddress: guard.address,
    to,
    tokenId: token.tokenId,
    amount,
  });
  const chain = new ChainContext(
    config.nodeUrl,
    readDeployment(config.deploymentFile),
    output,
    config.confirmTimeoutMs,
  );
  const txId = await chain.submit(guard, tx, `${token.name} from the devnet guard`);
  output.result(
    { txId, tokenId: token.tokenId, amountUnits: amount.toString(), to },
    `Paid ${env.values.amount} ${token.name} to ${to}: ${txId}`,
  );
}

function devnetToken(dataDir: string, name: string) {
  const file = join(dataDir, "rosen.json");
  if (!existsSync(file))
    throw new CliError(
      `No devnet Rosen deployment at ${file}; run \`npm start\` (it deploys one on its devnet)`,
    );
  const parsed = rosenTokens.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new CliError(`${file} is not a devnet Rosen deployment file`);
  const token = parsed.data.tokenMap.tokens
    .map((set) => set.ergo)
    .find(
      (ergo) =>
        ergo !== undefined && ergo.tokenId !== "erg" && ergo.name.toLowerCase() === name.toLowerCase(),
    );
  if (!token)
    throw new CliError(`The devnet token map has no bridged token "${name}"; see gpuc bridge tokens`);
  return token;
}

function readSecret(path: string): string {
  if (!existsSync(path)) throw new CliError(`No devnet guard key at ${path}; run \`npm start\` first`);
  return readFileSync(path, "utf8").trim();
}
