import type { DeploymentContracts } from "../deployment.ts";

export type ContractName = keyof DeploymentContracts;

const offchain = "offchain/src/protocol";

// The specs that exercise each contract's spending paths (a contract's script runs only when its box is spent).
export const SPECS: Record<ContractName, readonly string[]> = {
  config: [`${offchain}/config/update.spec.ts`, `${offchain}/deploy.spec.ts`],
  bank: [
    `${offchain}/credit/credit.spec.ts`,
    `${offchain}/credit/guards.spec.ts`,
    `${offchain}/swap/swap.spec.ts`,
    `${offchain}/lets.property.spec.ts`,
  ],
  creditAccount: [
    `${offchain}/credit/credit.spec.ts`,
    `${offchain}/credit/guards.spec.ts`,
    `${offchain}/lets.property.spec.ts`,
    `${offchain}/swap/swap.spec.ts`,
  ],
  providerStake: [
    `${offchain}/stake/stake.spec.ts`,
    `${offchain}/stake/guards.spec.ts`,
    `${offchain}/stake/lineage.spec.ts`,
  ],
  rentalEscrow: [
    `${offchain}/escrow/escrow.spec.ts`,
    `${offchain}/escrow/escrow.adversarial.spec.ts`,
    `${offchain}/escrow/guards.spec.ts`,
    `${offchain}/escrow/escrow.property.spec.ts`,
    `${offchain}/escrow/lineage.spec.ts`,
  ],
};
