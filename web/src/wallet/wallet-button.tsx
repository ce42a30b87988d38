import { formatErg, formatGpuc, shortId } from "../lib/format.ts";
import { WalletMissingError } from "./eip12.ts";
import { useBalances, useWallet } from "./wallet.tsx";

/** Connect / the address, network and balances / disconnect; wallet failures are shown here, in words. */
export function WalletButton() {
  const { state, connect, disconnect, network } = useWallet();
  const balances = useBalances();
  const error = state.status !== "connecting" ? state.error : undefined;
  return (
    <section className="wallet" aria-label="Wallet">
      {state.status === "connected" ? (
        <>
          <span className="address" title={state.address}>
            {shortId(state.address, 5)}
          </span>
          <span className="network">{network}</span>
          <span data-testid="erg-balance">{balances.data ? formatErg(balances.data.erg) : "… ERG"}</span>
          <span data-testid="gpuc-balance">{balances.data ? formatGpuc(balances.data.gpuc) : "… GPUC"}</span>
          <button type="button" onClick={() => disconnect()}>
            Disconnect
          </button>
        </>
      ) : (
        <button type="button" onClick={() => connect()} disabled={state.status === "connecting"}>
          {state.status === "connecting" ? "Connecting…" : "Connect Nautilus"}
        </button>
      )}
      {error && (
        <p className="error wallet-error" role="alert">
          {error.message}{" "}
          {error instanceof WalletMissingError && (
            <a href={error.installUrl} target="_blank" rel="noreferrer">
              Install Nautilus
            </a>
          )}
        </p>
      )}
    </section>
  );
}
