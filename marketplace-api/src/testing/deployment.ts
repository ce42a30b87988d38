import type { RentalDeployment } from "../services.ts";

export const STAKE_TREE = `10${"ab".repeat(40)}`;
export const ESCROW_TREE = `10${"cd".repeat(40)}`;

/**
 * The deployment the boxes seeded into the index belong to: stand-in trees (the index classifies boxes by them)
 * and a GPUC token id. The harness gives it to the services unless a test passes a real deployment.
 */
export const FIXTURE_DEPLOYMENT: RentalDeployment = {
  gpucTokenId: "ef".repeat(32),
  contracts: { rentalEscrow: { ergoTree: ESCROW_TREE }, providerStake: { ergoTree: STAKE_TREE } },
};
