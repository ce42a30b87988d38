import { type CreditAccountView, type CreditHealth, type MarketplaceClient, ProblemError } from "@gpuc/sdk";
import { useQuery } from "@tanstack/react-query";

export type CreditAction = "open" | "collateral/add" | "collateral/withdraw" | "draw" | "repay";

/** What each action is called in the page, and the unit its amount is typed in. */
export const ACTIONS: Readonly<
  Record<CreditAction, { readonly label: string; readonly noun: string; readonly unit: "ERG" | "GPUC" }>
> = {
  open: { label: "Open the account", noun: "the opening", unit: "ERG" },
  "collateral/add": { label: "Add collateral", noun: "the collateral top-up", unit: "ERG" },
  "collateral/withdraw": { label: "Withdraw collateral", noun: "the withdrawal", unit: "ERG" },
  draw: { label: "Draw GPUC", noun: "the draw", unit: "GPUC" },
  repay: { label: "Repay GPUC", noun: "the repayment", unit: "GPUC" },
};

export const creditKey = (address: string) => ["credit", address] as const;

const isMissing = (error: unknown) => error instanceof ProblemError && error.status === 404;

/** The signed-in address's Credit Account; a 404 (no account yet) is an answer, not a failure to retry. */
export function useCreditAccount(client: MarketplaceClient, address: string) {
  return useQuery({
    queryKey: creditKey(address),
    queryFn: ({ signal }) => client.creditAccount({ signal }),
    retry: (count, error) => !isMissing(error) && count < 2,
    refetchInterval: 15_000,
  });
}

export function hasNoAccount(error: unknown): boolean {
  return isMissing(error);
}

const POLL_MS = 1_000;
const CONFIRM_MS = 120_000;

/**
 * Waits until the account the index confirms is the one `preview` said the signed transaction makes: the page
 * shows the action done only once the chain agrees, not when the node merely accepted it.
 */
export async function waitForAccount(
  client: MarketplaceClient,
  preview: CreditHealth,
  signal?: AbortSignal,
): Promise<CreditAccountView> {
  const deadline = Date.now() + CONFIRM_MS;
  while (Date.now() < deadline && !signal?.aborted) {
    const account = await client.creditAccount({ signal }).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (account && account.collateral === preview.collateral && account.debt === preview.debt) return account;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(
    "The transaction was submitted but the account has not changed within 2 minutes; it may still confirm — reload the page later.",
  );
}
