import {
  buildConsumerExitTx,
  buildDraw,
  buildExtendTx,
  buildOpenCreditAccount,
  buildOpenEscrowTx,
  type ChainBox,
  DEFAULT_PARAMS,
  deployProtocol,
  payoutEscrowId,
  Signer,
} from "@gpuc/offchain";
import { startTestChain, type TestChain } from "@gpuc/offchain/testing";
import type { Deployment } from "../settlement/chain-settlement.ts";

const ERG = 1_000_000_000n;

/** The unsigned transaction opening an escrow, as `buildOpenEscrowTx` returns it. */
export type OpenEscrowTx = ReturnType<typeof buildOpenEscrowTx>;

/** A devnet with GPUC deployed (4-block billing periods, 2% fee) and a consumer holding GPUC drawn on credit. */
export interface EscrowChain {
  readonly chain: TestChain;
  readonly deployment: Deployment;
  readonly blocksPerHour: number;
  readonly feeBps: number;
  readonly consumer: Signer;
  /** Where the protocol fee goes (a plain address, so its balance can be read). */
  readonly treasury: string;
  /** Opens an escrow from the consumer to `provider`, starting at the current height; mined. */
  openEscrow(request: {
    provider: string;
    rentalId: string;
    pricePerHour: bigint;
    hours: number;
    /** Default: the current height. */
    startHeight?: number;
    /** Changes the unsigned transaction before it is signed (its first output is the escrow): forged escrows. */
    tamper?: (tx: OpenEscrowTx) => void;
  }): Promise<ChainBox>;
  /** The consumer tops the escrow up by `hours` (extend); mined. Resolves to the recreated escrow box. */
  extendEscrow(escrowBox: ChainBox, hours: number): Promise<ChainBox>;
  /** The consumer leaves the escrow (consumer exit: every started hour to the provider, the rest back); mined. */
  exitEscrow(escrowBox: ChainBox): Promise<void>;
  /** Mines until the chain's height is `height`. */
  mineTo(height: number): Promise<void>;
  /** GPUC units at `address` in boxes tagged (R4) as paid out of escrow box `escrowBoxId`. */
  paidFrom(address: string, escrowBoxId: string): Promise<bigint>;
  /** All GPUC units at `address`. */
  gpucOf(address: string): Promise<bigint>;
  stop(): Promise<void>;
}

/**
 * Deploys the whole protocol (`deployProtocol`: Config, Bank) on a fresh devnet; the consumer opens a Credit
 * Account and draws GPUC from the Bank, as a real consumer without stable tokens would.
 */
export async function startEscrowChain(blocksPerHour = 4): Promise<EscrowChain> {
  const chain = await startTestChain();
  const admin = Signer.random();
  const consumer = Signer.random();
  const treasury = Signer.random().address;
  await chain.devnet.faucet(admin.address, { nanoErgs: 100n * ERG });
  await chain.devnet.faucet(consumer.address, { nanoErgs: 100n * ERG });
  await chain.mine();
  const settings = {
    ...DEFAULT_PARAMS,
    blocksPerHour,
    unbondingBlocks: 10,
    disputeGraceBlocks: 5,
    price: ERG, // 1 GPUC = 1 ERG
    whitelist: [],
    admin: admin.address,
    arbiter: admin.address,
    treasury,
  };
  const deployment = await deployProtocol({
    chain: chain.client,
    signer: admin,
    network: "testnet",
    settings,
    afterSubmit: () => chain.mine(),
  });
  const send = async (tx: Parameters<Signer["sign"]>[0]) => {
    const signed = await consumer.sign(tx, chain.client);
    await chain.client.submit(signed);
    await chain.mine();
    return signed;
  };
  const wallet = async () => ({
    inputs: await chain.client.unspentByAddress(consumer.address),
    changeAddress: consumer.address,
    height: await chain.client.height(),
  });
  const open = await send(
    buildOpenCreditAccount({ deployment, owner: consumer.address, collateral: 60n * ERG }, await wallet()),
  );
  const byToken = async (tokenId: string) => (await chain.client.unspentByTokenId(tokenId))[0]!;
  await send(
    buildDraw(
      {
        deployment,
        configBox: await byToken(deployment.configNftId),
        bankBox: await byToken(deployment.bankNftId),
        account: (await chain.client.unspentBox(open.outputs[0]!.boxId!))!,
        amount: 30_000_000n, // 30 GPUC
      },
      await wallet(),
    ),
  );

  return {
    chain,
    deployment,
    blocksPerHour,
    feeBps: settings.feeBps,
    consumer,
    treasury,
    async openEscrow(request) {
      const height = await chain.client.height();
      const tx = buildOpenEscrowTx({
        deployment,
        consumer: consumer.address,
        provider: request.provider,
        pricePerHour: request.pricePerHour,
        prepaidHours: request.hours,
        startHeight: request.startHeight ?? height,
        rentalId: request.rentalId,
        height,
        inputs: await chain.client.unspentByAddress(consumer.address),
        changeAddress: consumer.address,
      });
      request.tamper?.(tx);
      const signed = await send(tx);
      return (await chain.client.unspentBox(signed.outputs[0]!.boxId!))!;
    },
    async extendEscrow(escrowBox, hours) {
      const signed = await send(
        buildExtendTx({
          deployment,
          configBox: await byToken(deployment.configNftId),
          height: await chain.client.height(),
          consumer: consumer.address,
          escrowBox,
          hours,
          inputs: await chain.client.unspentByAddress(consumer.address),
          changeAddress: consumer.address,
        }),
      );
      const tree = deployment.contracts.rentalEscrow.ergoTree;
      const recreated = signed.outputs.find((output) => output.ergoTree === tree);
      return (await chain.client.unspentBox(recreated!.boxId!))!;
    },
    async exitEscrow(escrowBox) {
      await send(
        buildConsumerExitTx({
          deployment,
          configBox: await byToken(deployment.configNftId),
          height: await chain.client.height(),
          escrowBox,
          consumer: consumer.address,
          inputs: await chain.client.unspentByAddress(consumer.address),
          changeAddress: consumer.address,
        }),
      );
    },
    async mineTo(height) {
      while ((await chain.client.height()) < height) await chain.mine();
    },
    async paidFrom(address, escrowBoxId) {
      const boxes = await chain.client.unspentByAddress(address);
      return boxes
        .filter((box) => payoutEscrowId(box) === escrowBoxId)
        .reduce((sum, box) => sum + BigInt(box.assets[0]?.amount ?? 0), 0n);
    },
    async gpucOf(address) {
      const boxes = await chain.client.unspentByAddress(address);
      return boxes
        .flatMap((box) => box.assets)
        .filter((asset) => asset.tokenId === deployment.gpucTokenId)
        .reduce((sum, asset) => sum + BigInt(asset.amount), 0n);
    },
    stop: () => chain.stop(),
  };
}
