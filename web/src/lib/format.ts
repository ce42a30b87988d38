import { formatErg, formatGpuc } from "@gpuc/sdk";

export { formatErg, formatGpuc };

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** A timestamp in the user's own time zone. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

export function formatClock(iso: string): string {
  return time.format(new Date(iso));
}

/** "2 h 5 min", "45 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** 0.973 → "97.3 %". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio >= 0.9995 ? 0 : 1)} %`;
}

/** The start and end of an id, enough to recognise it: "3f9a…c21b". */
export function shortId(id: string, keep = 6): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}
