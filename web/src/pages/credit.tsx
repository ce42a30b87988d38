import type { CreditAccountView, MarketplaceClient } from "@gpuc/sdk";
import { useState } from "react";
import { ACTIONS, type CreditAction, hasNoAccount, useCreditAccount } from "../components/credit/account.ts";
import { CreditActionForm, type CreditDone } from "../components/credit/credit-action.tsx";
import { HealthTable } from "../components/credit/health.tsx";
import { RequireSession } from "../components/require-session.tsx";
import { ErrorNote, Loading } from "../components/status.tsx";
import { TxLink } from "../components/tx-link.tsx";
import { formatErg, formatGpuc, shortId } from "../lib/format.ts";
import { useBalances, useWallet } from "../wallet/wallet.tsx";

/** Wallet & credit: the wallet's balances and its LETS Credit Account (collateral in ERG, debt in GPUC). */
export default function CreditPage() {
  return (
    <>
      <h1>Wallet &amp; credit</h1>
      <p>
        Lock ERG as collateral and draw GPUC against it, at the protocol's price and collateral ratio. Repay
        to take the ERG back; an account whose collateral falls under the liquidation ratio can be liquidated.
      </p>
      <RequireSession why="see and manage your credit account">
        {(client, address) => <Credit client={client} address={address} />}
      </RequireSession>
    </>
  );
}

function Credit({ client, address }: { client: MarketplaceClient; address: string }) {
  const account = useCreditAccount(client, address);
  const [done, setDone] = useState<CreditDone>();
  return (
    <>
      <Balances />
      <section aria-labelledby="account-title" className="credit">
        <h2 id="account-title">Credit account</h2>
        {/* Always in the page, so the confirmation is announced when it arrives. */}
        <div role="status" aria-live="polite">
          {done && <DoneNotice done={done} />}
        </div>
        {account.isPending ? (
          <Loading what="your credit account" />
        ) : account.data ? (
          <Account client={client} address={address} account={account.data} onDone={setDone} />
        ) : hasNoAccount(account.error) ? (
          <OpenAccount client={client} address={address} onDone={setDone} />
        ) : (
          <ErrorNote error={account.error} retry={() => account.refetch()} />
        )}
      </section>
    </>
  );
}

function Balances() {
  const balances = useBalances();
  const { state } = useWallet();
  return (
    <section aria-labelledby="wallet-title">
      <h2 id="wallet-title">Wallet</h2>
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          <code title={state.status === "connected" ? state.address : undefined}>
            {state.status === "connected" ? shortId(state.address, 10) : "—"}
          </code>
        </dd>
        <dt>ERG</dt>
        <dd>{balances.data ? formatErg(balances.data.erg) : "…"}</dd>
        <dt>GPUC</dt>
        <dd>{balances.data ? formatGpuc(balances.data.gpuc) : "…"}</dd>
      </dl>
    </section>
  );
}

function DoneNotice({ done }: { done: CreditDone }) {
  const { network } = useWallet();
  return (
    <p className="notice" data-testid="credit-done">
      {done.what} is confirmed on chain: transaction <TxLink txId={done.txId} network={network} />.
    </p>
  );
}

function OpenAccount({
  client,
  address,
  onDone,
}: {
  client: MarketplaceClient;
  address: string;
  onDone: (done: CreditDone) => void;
}) {
  return (
    <div className="empty" data-testid="no-account">
      <p>
        You have no credit account yet. Open one with the ERG you lock as collateral; you can draw GPUC
        against it once it is open.
      </p>
      <CreditActionForm client={client} address={address} action="open" onDone={onDone} />
    </div>
  );
}

const OWNER_ACTIONS = [
  "draw",
  "repay",
  "collateral/add",
  "collateral/withdraw",
] as const satisfies readonly CreditAction[];

function Account({
  client,
  address,
  account,
  onDone,
}: {
  client: MarketplaceClient;
  address: string;
  account: CreditAccountView;
  onDone: (done: CreditDone) => void;
}) {
  const [action, setAction] = useState<(typeof OWNER_ACTIONS)[number]>("draw");
  return (
    <>
      <dl className="facts">
        <dt>Price</dt>
        <dd>{formatErg(account.price)} per GPUC</dd>
        <dt>Collateral ratio</dt>
        <dd>
          at least {account.collateralRatioPct} % to draw or withdraw; liquidatable under{" "}
          {account.liquidationRatioPct} %
        </dd>
        <dt>Account box</dt>
        <dd>
          <code title={account.boxId}>{shortId(account.boxId)}</code>
        </dd>
      </dl>
      <HealthTable now={account} testId="credit-health" />
      <h3>Change the account</h3>
      <label>
        Action
        <select value={action} onChange={(event) => setAction(ownerAction(event.target.value))}>
          {OWNER_ACTIONS.map((value) => (
            <option key={value} value={value}>
              {ACTIONS[value].label}
            </option>
          ))}
        </select>
      </label>
      {/* A fresh form per action: an amount typed for a draw is never reviewed as a withdrawal. */}
      <CreditActionForm
        key={action}
        client={client}
        address={address}
        action={action}
        now={account}
        onDone={onDone}
      />
    </>
  );
}

function ownerAction(value: string): (typeof OWNER_ACTIONS)[number] {
  return OWNER_ACTIONS.find((candidate) => candidate === value) ?? "draw";
}
