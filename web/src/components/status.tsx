import { ProblemError } from "@gpuc/sdk";
import type { ReactNode } from "react";
import { Link } from "wouter";

/** What went wrong, for people: the problem's detail (the API says what to do), else the error's message. */
export function describeError(error: unknown): string {
  if (error instanceof ProblemError) return error.detail || error.title;
  return error instanceof Error ? error.message : String(error);
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** An error box; a 402 "short by X GPUC" links to getting GPUC. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  const short = error instanceof ProblemError && error.status === 402;
  return (
    <div className="error" role="alert">
      <p>{describeError(error)}</p>
      {short && (
        <p>
          <Link href="/get-gpuc">Get GPUC</Link> and try again.
        </p>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Loading, error or the content, for one query. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.error || query.data === undefined)
    return <ErrorNote error={query.error} retry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}
