import type { MarketplaceClient, SignedTxInput } from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { keys, market } from "../lib/api.ts";
import {
  type ConnectedWallet,
  connectNautilus,
  type Network,
  nautilusConnector,
  WalletDisconnectedError,
  type WalletError,
  walletErrorOf,
} from "./eip12.ts";

/** Where the wallet stands; every page reads this one state. */
export type WalletState =
  | { readonly status: "disconnected"; readonly error?: WalletError }
  | { readonly status: "connecting" }
  | {
      readonly status: "connected";
      readonly address: string;
      readonly wallet: ConnectedWallet;
      /** The marketplace session token, once the wallet signed the sign-in challenge. */
      readonly token?: string;
      readonly error?: WalletError;
    };

export interface WalletApi {
  readonly state: WalletState;
  readonly network: Network | undefined;
  readonly gpucTokenId: string | null;
  connect(): Promise<void>;
  /** EIP-28 sign-in through the wallet's `auth`; resolves to the signed-in client. */
  signIn(): Promise<MarketplaceClient>;
  disconnect(): Promise<void>;
  /** Signs with the wallet; a refusal throws the wallet's error and nothing is submitted. */
  sign(tx: UnsignedTransaction, what: string): Promise<SignedTxInput>;
  /** The marketplace client with this wallet's session (signs in first when needed). */
  session(): Promise<MarketplaceClient>;
}

const WalletContext = createContext<WalletApi | undefined>(undefined);

const SESSION_KEY = "gpuc.session";
/** Set while the user keeps Nautilus connected: a reload reconnects without asking again. */
const REMEMBER_KEY = "gpuc.wallet";
// A disconnect (wallet locked, site removed) is noticed within this long even while nothing is being signed.
const WATCH_MS = 3_000;

interface StoredSession {
  readonly address: string;
  readonly token: string;
  readonly expiresAt: string;
}

function storedToken(address: string): string | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null") as StoredSession | null;
    if (stored?.address === address && Date.parse(stored.expiresAt) > Date.now()) return stored.token;
  } catch {
    // A damaged entry is a missing one.
  }
  return undefined;
}

export function WalletProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<WalletState>({ status: "disconnected" });
  const queries = useQueryClient();
  const status = useQuery({ queryKey: keys.status, queryFn: ({ signal }) => market.status({ signal }) });
  const network = status.data?.network;

  const fail = useCallback((error: WalletError) => {
    setState((current) =>
      current.status === "connected" && !(error instanceof WalletDisconnectedError)
        ? { ...current, error }
        : { status: "disconnected", error },
    );
    if (error instanceof WalletDisconnectedError) sessionStorage.removeItem(SESSION_KEY);
  }, []);

  const connect = useCallback(async () => {
    setState({ status: "connecting" });
    try {
      const marketNetwork = network ?? (await market.status()).network;
      const { wallet, address } = await connectNautilus(marketNetwork);
      localStorage.setItem(REMEMBER_KEY, "nautilus");
      setState({ status: "connected", address, wallet, token: storedToken(address) });
    } catch (error) {
      setState({ status: "disconnected", error: walletErrorOf(error, "the connection") });
    }
  }, [network]);

  const signIn = useCallback(async () => {
    if (state.status !== "connected") throw new WalletDisconnectedError();
    const { wallet, address } = state;
    try {
      const session = await market.signIn({
        address,
        signChallenge: (message) => wallet.auth(address, message),
      });
      sessionStorage.setItem(
        SESSION_KEY,
        JSON.stringify({ address, token: session.token, expiresAt: session.expiresAt }),
      );
      setState({ ...state, token: session.token, error: undefined });
      return market.withAuth(session.token);
    } catch (error) {
      const walletError = walletErrorOf(error, "the sign-in message");
      // A marketplace refusal is no wallet failure: the page shows it where the user acted.
      if (error instanceof Error && error.name === "ProblemError") throw error;
      fail(walletError);
      throw walletError;
    }
  }, [state, fail]);

  const disconnect = useCallback(async () => {
    if (state.status === "connected") {
      if (state.token)
        await market
          .withAuth(state.token)
          .signOut()
          .catch(() => undefined);
      await state.wallet.disconnect();
    }
    sessionStorage.removeItem(SESSION_KEY);
    localStorage.removeItem(REMEMBER_KEY);
    queries.removeQueries({ queryKey: ["instances"] });
    setState({ status: "disconnected" });
  }, [state, queries]);

  const sign = useCallback(
    async (tx: UnsignedTransaction, what: string) => {
      if (state.status !== "connected") throw new WalletDisconnectedError();
      try {
        return await state.wallet.signTx(tx, what);
      } catch (error) {
        const walletError = walletErrorOf(error, what);
        fail(walletError);
        throw walletError;
      }
    },
    [state, fail],
  );

  const session = useCallback(async () => {
    if (state.status === "connected" && state.token) return market.withAuth(state.token);
    return signIn();
  }, [state, signIn]);

  useDisconnectWatch(state, fail);
  useReconnect(connect, network);

  const api = useMemo<WalletApi>(
    () => ({
      state,
      network,
      gpucTokenId: status.data?.gpucTokenId ?? null,
      connect,
      signIn,
      disconnect,
      sign,
      session,
    }),
    [state, network, status.data, connect, signIn, disconnect, sign, session],
  );
  return <WalletContext.Provider value={api}>{children}</WalletContext.Provider>;
}

/** On load: a wallet the user left connected (and that still says so) is reconnected without a prompt. */
function useReconnect(connect: () => Promise<void>, network: Network | undefined) {
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (tried || network === undefined) return;
    setTried(true);
    const connector = nautilusConnector();
    if (localStorage.getItem(REMEMBER_KEY) !== "nautilus" || !connector) return;
    void connector.isConnected().then(
      async (connected) => {
        if (connected) await connect();
      },
      () => undefined,
    );
  }, [tried, network, connect]);
}

/** Polls `isConnected` while connected: a wallet that went away is shown as disconnected, not as a hang. */
function useDisconnectWatch(state: WalletState, fail: (error: WalletError) => void) {
  useEffect(() => {
    if (state.status !== "connected") return;
    const { wallet } = state;
    const timer = setInterval(async () => {
      if (!(await wallet.isConnected())) fail(new WalletDisconnectedError());
    }, WATCH_MS);
    return () => clearInterval(timer);
  }, [state, fail]);
}

export function useWallet(): WalletApi {
  const api = useContext(WalletContext);
  if (!api) throw new Error("useWallet outside <WalletProvider>");
  return api;
}

/** The connected wallet's ERG and GPUC balances (base units as strings). */
export function useBalances() {
  const { state, gpucTokenId } = useWallet();
  const address = state.status === "connected" ? state.address : "";
  return useQuery({
    queryKey: keys.balances(address),
    enabled: state.status === "connected",
    refetchInterval: 10_000,
    queryFn: async () => {
      if (state.status !== "connected") throw new WalletDisconnectedError();
      const [erg, gpuc] = await Promise.all([
        state.wallet.balance("ERG"),
        gpucTokenId ? state.wallet.balance(gpucTokenId) : Promise.resolve("0"),
      ]);
      return { erg, gpuc };
    },
  });
}
