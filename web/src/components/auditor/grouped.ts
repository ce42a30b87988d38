import { formatGpuc } from "../../lib/format.ts";

/**
 * GPUC with its whole part in groups of three, "1 000 000 000 GPUC", so a supply reads at a glance (a narrow
 * no-break space, as SI writes it, the same in every locale; the decimals stay as they are).
 */
export function groupedGpuc(units: string): string {
  return formatGpuc(units).replace(/\d+/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"));
}
