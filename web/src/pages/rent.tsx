import type { CreatedInstance, CreateInstanceRequest } from "@gpuc/sdk";
import type { UnsignedTransaction } from "@nautilus-js/eip12-types";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useLocation } from "wouter";
import { ErrorNote, Loading } from "../components/status.tsx";
import { keys, market } from "../lib/api.ts";
import { formatGpuc } from "../lib/format.ts";
import { parseEnv, parsePorts } from "../lib/rental-form.ts";
import { networkFee } from "../lib/transactions.ts";
import { useWallet } from "../wallet/wallet.tsx";

/** Where a rent stands: the form, the unsigned escrow awaiting the wallet, the signed one being submitted. */
type Step =
  | { readonly kind: "form" }
  | { readonly kind: "reserving" }
  | { readonly kind: "signing"; readonly created: CreatedInstance }
  | { readonly kind: "funding"; readonly created: CreatedInstance };

function readRequest(gpuId: string, form: FormData): CreateInstanceRequest {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const script = text("cmd");
  const env = parseEnv(String(form.get("env") ?? ""));
  const ports = parsePorts(text("ports"));
  return {
    gpuId,
    hours: Number(text("hours")),
    image: text("image"),
    ...(script ? { cmd: ["sh", "-c", script] } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(ports.length ? { ports } : {}),
  };
}

export default function RentPage({ gpuId }: { gpuId: string }) {
  const gpu = useQuery({ queryKey: keys.gpu(gpuId), queryFn: ({ signal }) => market.gpu(gpuId, { signal }) });
  const wallet = useWallet();
  const [, navigate] = useLocation();
  const [hours, setHours] = useState(1);
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [error, setError] = useState<unknown>();

  if (gpu.isPending) return <Loading what="the offer" />;
  if (gpu.error) return <ErrorNote error={gpu.error} retry={() => gpu.refetch()} />;
  const offer = gpu.data;
  const total = BigInt(offer.pricePerHour) * BigInt(Number.isInteger(hours) && hours > 0 ? hours : 0);

  const rent = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    let request: CreateInstanceRequest;
    try {
      request = readRequest(gpuId, new FormData(event.currentTarget));
    } catch (problem) {
      setError(problem);
      return;
    }
    setStep({ kind: "reserving" });
    try {
      const client = await wallet.session();
      const created = await client.createInstance(request);
      setStep({ kind: "signing", created });
      // The escrow is submitted only after the wallet signed it: a refusal leaves nothing on chain.
      const signed = await wallet.sign(created.unsignedTx as UnsignedTransaction, "the escrow");
      setStep({ kind: "funding", created });
      await client.fundInstance(created.instance.id, signed);
      navigate(`/instances/${created.instance.id}`);
    } catch (problem) {
      setError(problem);
      setStep({ kind: "form" });
    }
  };

  const busy = step.kind !== "form";
  return (
    <>
      <h1>
        Rent {offer.count} × {offer.model}
      </h1>
      <form className="form" onSubmit={rent} aria-describedby="price">
        <label>
          Image
          <input
            name="image"
            required
            defaultValue="gpuc/busybox:test"
            placeholder="e.g. pytorch/pytorch:2.4"
          />
        </label>
        <label>
          Command or script (run with sh -c; empty runs the image's own)
          <textarea name="cmd" rows={3} placeholder="python train.py" />
        </label>
        <label>
          Environment (NAME=value per line)
          <textarea name="env" rows={2} />
        </label>
        <label>
          Ports (comma separated)
          <input name="ports" placeholder="8888, 6006" />
        </label>
        <label>
          Hours ({offer.minHours}–{offer.maxHours})
          <input
            name="hours"
            type="number"
            required
            min={offer.minHours}
            max={offer.maxHours}
            value={hours}
            onChange={(event) => setHours(Number(event.target.value))}
          />
        </label>
        <PriceBreakdown id="price" perHour={offer.pricePerHour} hours={hours} total={total} step={step} />
        {wallet.state.status !== "connected" && (
          <p className="muted">Connect Nautilus (top right) to rent; you sign the escrow in the wallet.</p>
        )}
        <div className="row">
          <button type="submit" disabled={busy || wallet.state.status !== "connected"}>
            {busy ? "Renting…" : `Rent for ${formatGpuc(total)}`}
          </button>
        </div>
        <Progress step={step} />
        {error !== undefined && <ErrorNote error={error} />}
      </form>
    </>
  );
}

function PriceBreakdown({
  id,
  perHour,
  hours,
  total,
  step,
}: {
  id: string;
  perHour: string;
  hours: number;
  total: bigint;
  step: Step;
}) {
  const tx = step.kind === "signing" || step.kind === "funding" ? step.created.unsignedTx : undefined;
  const fee = tx ? networkFee(tx) : undefined;
  return (
    <dl className="facts" id={id} aria-label="Price">
      <dt>Price</dt>
      <dd>
        {formatGpuc(perHour)} per hour × {hours} h
      </dd>
      <dt>Escrowed</dt>
      <dd>
        <strong>{formatGpuc(total)}</strong> (unused hours come back when you stop)
      </dd>
      <dt>Network fee</dt>
      <dd>{fee ?? "shown when the escrow is built"}</dd>
    </dl>
  );
}

function Progress({ step }: { step: Step }) {
  const text =
    step.kind === "reserving"
      ? "Reserving the offer and building the escrow…"
      : step.kind === "signing"
        ? "Sign the escrow in Nautilus."
        : step.kind === "funding"
          ? "Submitting the signed escrow…"
          : undefined;
  return text ? (
    <p role="status" aria-live="polite">
      {text}
    </p>
  ) : null;
}
