import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

/**
 * A mutant declared equivalent to its contract: no transaction can tell the two apart, for the reason given.
 * Found by the guard's text, the replacement and the whole source line (not the line number, which moves).
 */
export const equivalentEntrySchema = z.strictObject({
  lineText: z.string().min(1),
  guard: z.string().min(1),
  mutant: z.string().min(1),
  why: z.string().min(20, "say why no transaction can tell the mutant from the contract"),
});
export type EquivalentEntry = z.infer<typeof equivalentEntrySchema>;

/** The declared equivalents of one contract (`<name>.equivalents.json` beside its source); none when absent. */
export function readEquivalents(path: string): EquivalentEntry[] {
  if (!existsSync(path)) return [];
  const parsed = z.array(equivalentEntrySchema).safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
