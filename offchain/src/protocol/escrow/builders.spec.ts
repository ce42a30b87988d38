import type { Amount, Box } from "@fleet-sdk/common";
import { ErgoAddress, InsufficientInputs, TransactionBuilder } from "@fleet-sdk/core";
import { mockUTxO } from "@fleet-sdk/mock-chain";
import { compileDeployment } from "@gpuc/ergoscript";
import { describe, expect, it } from "vitest";
import { Signer } from "../../signing/signer.ts";
import { encodeConfigRegisters } from "../config.ts";
import { AlreadyUnbondingError } from "../errors/alreadyUnbonding.ts";
import { ClaimBeyondElapsedError } from "../errors/claimBeyondElapsed.ts";
import { ClaimBeyondPrepaidError } from "../errors/claimBeyondPrepaid.ts";
import { ConfigBoxMismatchError } from "../errors/configBoxMismatch.ts";
import { ExpiryNotReachedError } from "../errors/expiryNotReached.ts";
import { InsufficientFundsError } from "../errors/insufficientFunds.ts";
import { InsufficientGpucError } from "../errors/insufficientGpuc.ts";
import { InvalidRentalArgumentError } from "../errors/invalidRentalArgument.ts";
import { NotAnEscrowError } from "../errors/notAnEscrow.ts";
import { NotEscrowPartyError } from "../errors/notEscrowParty.ts";
import { UnbondingNotFinishedError } from "../errors/unbondingNotFinished.ts";
import { createStake, startUnbonding, withdrawStake } from "../stake/stake.ts";
import { claimEscrows } from "./claim.ts";
import { cooperativeClose, expireEscrow, providerClose } from "./close.ts";
import { ProviderCloseBeyondElapsedError } from "./errors/providerCloseBeyondElapsed.ts";
import { buildOpenEscrowTx, openEscrow } from "./open.ts";
import { TEST_PARAMS } from "./testChain.ts";

// Typed input errors, thrown before any transaction is built. No chain needed: boxes are mocked.

const ids = { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: "cc".repeat(32) };
const deployment = compileDeployment(ids, "testnet");
const [consumer, provider, arbiter] = [Signer.random(), Signer.random(), Signer.random()];
const START = 100;
const BPH = TEST_PARAMS.blocksPerHour;

const configBox = mockUTxO({
  ergoTree: deployment.contracts.config.ergoTree,
  assets: [{ tokenId: ids.configNftId, amount: 1n }],
  additionalRegisters: encodeConfigRegisters({
    ...TEST_PARAMS,
    price: 1_000_000n,
    whitelist: [],
    admin: arbiter.address,
    arbiter: arbiter.address,
    treasury: arbiter.address,
  }),
});

/** The box an output candidate of a plugin would become. */
function boxFrom(plugin: Parameters<TransactionBuilder["extend"]>[0]): Box<Amount> {
  const funding = mockUTxO({
    ergoTree: ErgoAddress.decode(consumer.address).ergoTree,
    value: 100_000_000_000n,
    assets: [{ tokenId: ids.gpucTokenId, amount: 100_000_000n }],
  });
  const tx = new TransactionBuilder(START)
    .from(funding)
    .extend(plugin)
    .sendChangeTo(consumer.address)
    .payMinFee()
    .build();
  const { ergoTree, value, assets, additionalRegisters, creationHeight } = tx.outputs[0]!;
  return mockUTxO({ ergoTree, value, assets, additionalRegisters, creationHeight });
}

const escrowBox = boxFrom(
  openEscrow({
    deployment,
    consumer: consumer.address,
    provider: provider.address,
    pricePerHour: 1_000_000n,
    prepaidHours: 4,
    startHeight: START,
    rentalId: "01",
  }),
);
const base = { deployment, configBox };
const claim = (height: number, hours?: number) =>
  claimEscrows({ ...base, height, provider: provider.address, claims: [{ escrowBox, hours }] });

describe("rentals builders refuse bad requests with typed errors", () => {
  it("Should refuse a claim beyond the elapsed hours, naming the elapsed hours", () => {
    // At height START + 2 hours − 2 the next block is inside hour 2: one whole hour has elapsed.
    const error = catchError(() => claim(START + 2 * BPH - 2, 2));
    expect(error).toBeInstanceOf(ClaimBeyondElapsedError);
    expect(error).toMatchObject({ paidAfter: 2, elapsedHours: 1 });
  });

  it("Should refuse a claim beyond the prepaid hours, and claiming nothing", () => {
    expect(() => claim(START + 10 * BPH, 5)).toThrow(ClaimBeyondPrepaidError);
    expect(() => claim(START + 1)).toThrow(InvalidRentalArgumentError);
  });

  it("Should claim every claimable hour by default", () => {
    expect(() => claim(START + 3 * BPH)).not.toThrow();
  });

  it("Should refuse a claim for an escrow of another provider, and a box that is not an escrow", () => {
    expect(() =>
      claimEscrows({ ...base, height: START + BPH, provider: consumer.address, claims: [{ escrowBox }] }),
    ).toThrow(NotEscrowPartyError);
    expect(() =>
      claimEscrows({
        ...base,
        height: START + BPH,
        provider: provider.address,
        claims: [{ escrowBox: configBox }],
      }),
    ).toThrow(NotAnEscrowError);
  });

  it("Should refuse a Config box without the deployment's Config NFT", () => {
    const fake = mockUTxO({ ...configBox, assets: [{ tokenId: ids.gpucTokenId, amount: 1n }] });
    expect(() =>
      claimEscrows({
        ...base,
        configBox: fake,
        height: START + BPH,
        provider: provider.address,
        claims: [{ escrowBox }],
      }),
    ).toThrow(ConfigBoxMismatchError);
  });

  it("Should refuse opening an escrow without enough GPUC, saying how much is missing", () => {
    const poor = mockUTxO({
      ergoTree: ErgoAddress.decode(consumer.address).ergoTree,
      value: 10_000_000_000n,
      assets: [{ tokenId: ids.gpucTokenId, amount: 1_500_000n }],
    });
    const error = catchError(() =>
      buildOpenEscrowTx({
        deployment,
        consumer: consumer.address,
        provider: provider.address,
        pricePerHour: 1_000_000n,
        prepaidHours: 2,
        startHeight: START,
        rentalId: "02",
        height: START,
        inputs: [poor],
        changeAddress: consumer.address,
      }),
    );
    expect(error).toBeInstanceOf(InsufficientGpucError);
    expect(error).toMatchObject({ required: 2_000_000n, available: 1_500_000n });
  });

  it("Should refuse opening an escrow from boxes without the ERG for the fee, as InsufficientFundsError (Fleet's InsufficientInputs translated)", () => {
    const dry = mockUTxO({
      ergoTree: ErgoAddress.decode(consumer.address).ergoTree,
      value: 1_000_000n,
      assets: [{ tokenId: ids.gpucTokenId, amount: 2_000_000n }],
    });
    const error = catchError(() =>
      buildOpenEscrowTx({
        deployment,
        consumer: consumer.address,
        provider: provider.address,
        pricePerHour: 1_000_000n,
        prepaidHours: 2,
        startHeight: START,
        rentalId: "03",
        height: START,
        inputs: [dry],
        changeAddress: consumer.address,
      }),
    );
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as InsufficientFundsError).missing.nanoErgs).toBeGreaterThan(0n);
    expect((error as InsufficientFundsError).cause).toBeInstanceOf(InsufficientInputs);
  });

  it("Should refuse a split larger than the escrow and an expiry before its height", () => {
    expect(() => cooperativeClose({ ...base, height: START, escrowBox, providerShare: 4_000_001n })).toThrow(
      InvalidRentalArgumentError,
    );
    const expiresAt = START + 4 * BPH + TEST_PARAMS.disputeGraceBlocks;
    expect(() => expireEscrow({ ...base, height: expiresAt - 2, escrowBox })).toThrow(ExpiryNotReachedError);
    expect(() => expireEscrow({ ...base, height: expiresAt - 1, escrowBox })).not.toThrow();
  });

  it("Should refuse a provider close beyond the elapsed blocks, naming the allowed amount", () => {
    const close = (height: number, providerShare: bigint, by = provider.address) =>
      providerClose({ ...base, height, escrowBox, provider: by, providerShare });
    // At height START + BPH + 1 the next block is 2 blocks into hour 2: 1 hour + 2/BPH of one are allowed.
    const allowed = 1_000_000n + (2n * 1_000_000n) / BigInt(BPH);
    const error = catchError(() => close(START + BPH + 1, allowed + 1n));
    expect(error).toBeInstanceOf(ProviderCloseBeyondElapsedError);
    expect(error).toMatchObject({ asked: allowed + 1n, allowed, height: START + BPH + 2 });
    expect((error as Error).message).toContain(`at most ${allowed}`);
    expect(() => close(START + BPH + 1, allowed)).not.toThrow();
    // Never beyond the prepaid time, however late.
    expect(() => close(START + 100 * BPH, 4_000_001n)).toThrow(ProviderCloseBeyondElapsedError);
    expect(() => close(START + 100 * BPH, 4_000_000n)).not.toThrow();
    expect(() => close(START + BPH, 0n, consumer.address)).toThrow(NotEscrowPartyError);
    expect(() => close(START + BPH, -1n)).toThrow(InvalidRentalArgumentError);
    expect(() => close(START - 5, 0n)).toThrow(InvalidRentalArgumentError);
  });

  it("Should refuse withdrawing a bonded or still unbonding stake, and unbonding twice", () => {
    const stakeBox = boxFrom(
      createStake({
        deployment,
        provider: provider.address,
        amount: 5_000_000_000n,
        listingHash: "ab".repeat(32),
      }),
    );
    const withdraw = (box: Box<Amount>, height: number) =>
      withdrawStake({ deployment, configBox, stakeBox: box, provider: provider.address, height });
    expect(catchError(() => withdraw(stakeBox, START))).toMatchObject({ availableAt: undefined });
    const unbonding = boxFrom(
      startUnbonding({ deployment, stakeBox, provider: provider.address, height: START }),
    );
    const error = catchError(() => withdraw(unbonding, START + TEST_PARAMS.unbondingBlocks - 2));
    expect(error).toBeInstanceOf(UnbondingNotFinishedError);
    expect(error).toMatchObject({ availableAt: START + TEST_PARAMS.unbondingBlocks });
    expect(() => withdraw(unbonding, START + TEST_PARAMS.unbondingBlocks - 1)).not.toThrow();
    expect(() =>
      startUnbonding({ deployment, stakeBox: unbonding, provider: provider.address, height: START }),
    ).toThrow(AlreadyUnbondingError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected an error");
}
