import { shortId } from "../lib/format.ts";

/** A transaction id, linked to the explorer of the network (the devnet has none: the id alone). */
export function TxLink({ txId, network }: { txId: string | null | undefined; network?: string }) {
  if (!txId) return <span className="muted">—</span>;
  const explorer =
    network === "mainnet"
      ? "https://explorer.ergoplatform.com/en/transactions/"
      : network === "testnet-public"
        ? "https://testnet.ergoplatform.com/en/transactions/"
        : undefined;
  const text = <code title={txId}>{shortId(txId)}</code>;
  return explorer ? (
    <a href={`${explorer}${txId}`} target="_blank" rel="noreferrer">
      {text}
    </a>
  ) : (
    text
  );
}
