import type { MarketplaceClient } from "@gpuc/sdk";
import { type ReactNode, useMemo, useState } from "react";
import { market } from "../lib/api.ts";
import { useWallet } from "../wallet/wallet.tsx";
import { ErrorNote } from "./status.tsx";

/** Renders `children` with the signed-in client; asks to connect, then to sign in, first. */
export function RequireSession({
  why,
  children,
}: {
  why: string;
  children: (client: MarketplaceClient, address: string) => ReactNode;
}) {
  const wallet = useWallet();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { state } = wallet;
  const token = state.status === "connected" ? state.token : undefined;
  // One client per token, so effects keyed on it (streams) do not restart on every render.
  const client = useMemo(() => (token ? market.withAuth(token) : undefined), [token]);
  if (state.status !== "connected")
    return (
      <div className="empty">
        <p>Connect Nautilus to {why}.</p>
        <button type="button" onClick={() => wallet.connect()} disabled={state.status === "connecting"}>
          Connect Nautilus
        </button>
      </div>
    );
  if (!client)
    return (
      <div className="empty">
        <p>
          Sign in with your wallet to {why}: Nautilus asks you to sign a message (no transaction, no fee).
        </p>
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            await wallet.signIn().catch(setError);
            setBusy(false);
          }}
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error !== undefined && <ErrorNote error={error} />}
      </div>
    );
  return <>{children(client, state.address)}</>;
}
