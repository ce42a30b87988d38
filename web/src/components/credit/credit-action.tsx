import {
  type CreditAccountView,
  type CreditTx,
  ERG_DECIMALS,
  formatAmount,
  GPUC_DECIMALS,
  type MarketplaceClient,
  parseErg,
  parseGpuc,
} from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { keys } from "../../lib/api.ts";
import { formatErg, formatGpuc } from "../../lib/format.ts";
import { networkFee } from "../../lib/transactions.ts";
import { useWallet } from "../../wallet/wallet.tsx";
import { describeError, ErrorNote } from "../status.tsx";
import { ACTIONS, type CreditAction, creditKey, waitForAccount } from "./account.ts";
import { HealthTable } from "./health.tsx";

/** A confirmed credit action, for the page's notice. */
export interface CreditDone {
  readonly what: string;
  readonly txId: string;
}

/** Where an action stands: the amount typed, the built transaction under review, then the wallet and the chain. */
type Step =
  | { readonly kind: "form" }
  | { readonly kind: "building" }
  | { readonly kind: "review"; readonly built: CreditTx; readonly amount: bigint }
  | { readonly kind: "signing"; readonly built: CreditTx; readonly amount: bigint }
  | { readonly kind: "submitting"; readonly built: CreditTx; readonly amount: bigint }
  | { readonly kind: "confirming"; readonly built: CreditTx; readonly amount: bigint; readonly txId: string };

/** The most the account allows for an action, as the amount people would type ("17.5"). */
function most(action: CreditAction, now: CreditAccountView | undefined): string | undefined {
  if (!now) return undefined;
  const units =
    action === "draw"
      ? now.maxDrawable
      : action === "repay"
        ? now.debt
        : action === "collateral/withdraw"
          ? now.withdrawable
          : undefined;
  if (units === undefined || units === "0") return undefined;
  return formatAmount(units, ACTIONS[action].unit === "ERG" ? ERG_DECIMALS : GPUC_DECIMALS);
}

const format = (unit: "ERG" | "GPUC", amount: bigint) =>
  unit === "ERG" ? formatErg(amount) : formatGpuc(amount);

/**
 * One credit action: type an amount in ERG or GPUC, review the account's health after it (built by the
 * marketplace, nothing signed yet), sign in the wallet, submit, and wait for the chain to show it.
 */
export function CreditActionForm({
  client,
  address,
  action,
  now,
  onDone,
}: {
  client: MarketplaceClient;
  address: string;
  action: CreditAction;
  now?: CreditAccountView;
  onDone: (done: CreditDone) => void;
}) {
  const wallet = useWallet();
  const queries = useQueryClient();
  const [text, setText] = useState("");
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [error, setError] = useState<unknown>();
  const { label, noun, unit } = ACTIONS[action];
  const inputId = `amount-${action.replace("/", "-")}`;
  // Leaving the page stops the wait for the chain (what was submitted stays submitted).
  const leaving = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, []);

  const review = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    try {
      const amount = unit === "ERG" ? parseErg(text, "The ERG amount") : parseGpuc(text, "The GPUC amount");
      setStep({ kind: "building" });
      setStep({ kind: "review", built: await client.creditTx(action, amount), amount });
    } catch (problem) {
      // A builder refusal (422) says why in ERG/GPUC; nothing was built, so nothing can be signed.
      setError(problem);
      setStep({ kind: "form" });
    }
  };

  const sign = async () => {
    if (step.kind !== "review") return;
    const { built, amount } = step;
    setError(undefined);
    let submitted: string | undefined;
    try {
      setStep({ kind: "signing", built, amount });
      // Submitted only once the wallet signed: a refusal leaves the account as it was.
      const signed = await wallet.sign(built.unsignedTx as UnsignedTransaction, noun);
      setStep({ kind: "submitting", built, amount });
      const { txId } = await client.submitTransaction(signed);
      submitted = txId;
      setStep({ kind: "confirming", built, amount, txId });
      const account = await waitForAccount(client, built.preview, leaving.current.signal);
      queries.setQueryData(creditKey(address), account);
      void queries.invalidateQueries({ queryKey: keys.balances(address) });
      setText("");
      setStep({ kind: "form" });
      onDone({ what: `${capitalise(noun)} of ${format(unit, amount)}`, txId });
    } catch (problem) {
      // Past the submit the transaction is on its way whatever failed after: say which one it is.
      setError(
        submitted ? new Error(`${describeError(problem)} (submitted as transaction ${submitted})`) : problem,
      );
      setStep({ kind: "form" });
    }
  };

  const busy = step.kind !== "form" && step.kind !== "review";
  const max = most(action, now);
  return (
    <form className="form" onSubmit={review} aria-label={label}>
      <div className="row">
        <label htmlFor={inputId}>
          Amount ({unit})
          <input
            id={inputId}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            required
            value={text}
            disabled={busy}
            placeholder={unit === "ERG" ? "30" : "2.5"}
            onChange={(event) => {
              setText(event.target.value);
              if (step.kind === "review") setStep({ kind: "form" });
            }}
          />
        </label>
        {max && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            aria-label={`Max: fill in ${max} ${unit}`}
            onClick={() => {
              setText(max);
              setStep({ kind: "form" });
            }}
          >
            Max
          </button>
        )}
        <button type="submit" className="secondary" disabled={busy || step.kind === "review"}>
          Review
        </button>
      </div>
      {step.kind !== "form" && step.kind !== "building" && (
        <Review step={step} now={now} noun={noun} onSign={sign} onCancel={() => setStep({ kind: "form" })} />
      )}
      <Progress step={step} noun={noun} />
      {error !== undefined && <ErrorNote error={error} />}
    </form>
  );
}

function Review({
  step,
  now,
  noun,
  onSign,
  onCancel,
}: {
  step: Exclude<Step, { kind: "form" } | { kind: "building" }>;
  now?: CreditAccountView;
  noun: string;
  onSign: () => void;
  onCancel: () => void;
}) {
  const fee = networkFee(step.built.unsignedTx);
  return (
    <section className="card" aria-label={`Review ${noun}`} data-testid="credit-preview">
      <HealthTable now={now} after={step.built.preview} afterLabel={`After ${noun}`} />
      <p className="muted">Network fee: {fee ?? "—"}. Nothing is sent until you sign in Nautilus.</p>
      {step.kind === "review" && (
        <div className="row">
          <button type="button" onClick={onSign}>
            Sign {noun} in Nautilus
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

function Progress({ step, noun }: { step: Step; noun: string }) {
  const text =
    step.kind === "building"
      ? `Building ${noun}…`
      : step.kind === "signing"
        ? `Sign ${noun} in Nautilus.`
        : step.kind === "submitting"
          ? `Submitting the signed transaction…`
          : step.kind === "confirming"
            ? `Submitted; waiting for the chain to confirm ${noun}…`
            : "";
  // The live region stays in the page, so screen readers hear each change of step.
  return (
    <p role="status" aria-live="polite" className="muted" data-testid="credit-progress">
      {text}
    </p>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
