/** A column of `table`: its header, and whether its cells line up on the right (amounts, counts). */
export interface Column {
  readonly header: string;
  readonly align?: "left" | "right";
}

/**
 * Rows as aligned text columns under a header line, two spaces apart; the last column is not padded (no trailing
 * blanks).
 *
 * @example
 * table([{ header: "ID" }, { header: "PRICE/H", align: "right" }], [["a1", "1.5 GPUC"], ["b2", "12 GPUC"]]);
 * // ID  PRICE/H
 * // a1  1.5 GPUC
 * // b2   12 GPUC
 */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(width(column.header), ...rows.map((row) => width(row[index] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const pad = " ".repeat(widths[index]! - width(cell));
        if (column.align === "right") return pad + cell;
        return index === columns.length - 1 ? cell : cell + pad;
      })
      .join("  ");
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join("\n");
}

/**
 * `key  value` lines with the keys padded to one width; rows without a value (`undefined`) are left out.
 *
 * @example
 * keyValues([["state", "Running"], ["expires", undefined], ["image", "gpuc/busybox:test"]]);
 * // state  Running
 * // image  gpuc/busybox:test
 */
export function keyValues(rows: readonly (readonly [key: string, value: string | undefined])[]): string {
  const shown = rows.filter((row): row is readonly [string, string] => row[1] !== undefined);
  const keyWidth = Math.max(...shown.map(([key]) => width(key)));
  return shown
    .map(
      ([key, value]) =>
        `${key}${" ".repeat(keyWidth - width(key))}  ${value.replace(/\n/g, `\n${" ".repeat(keyWidth + 2)}`)}`,
    )
    .join("\n");
}

/** Characters as a terminal shows them (code points: "×" and "—" are one column). */
function width(text: string): number {
  return [...text].length;
}
