import { type Node, parseContract, type Span, walk } from "./parse.ts";

/** One single-guard change of a contract's source. */
export interface Mutant {
  /** 1-based line of the changed text in the original source. */
  readonly line: number;
  /** The original text that is replaced. */
  readonly guard: string;
  /** Candidate replacements, tried in order until one compiles (`true` for a Boolean, `sigmaProp(true)` else). */
  readonly replacements: readonly string[];
  readonly span: Span;
  readonly operator: MutationOperator;
}

export type MutationOperator = "guard-true" | "sigmaprop-true" | "comparison" | "if-true" | "if-false";

// Each comparison weakened by one step (strict becomes inclusive) or moved off its boundary (inclusive becomes
// strict): the first kind is caught by a test one past the bound, the second by a test exactly at it.
const COMPARISON_SWAPS: Record<string, string> = { ">": ">=", "<": "<=", ">=": ">", "<=": "<" };
const TRUE_VALUES = ["true", "sigmaProp(true)"];

/** Every mutant of a contract: one per conjunct/disjunct, `sigmaProp` argument, comparison and `if` condition. */
export function mutantsOf(source: string): Mutant[] {
  const tree = parseContract(source);
  const lineOf = (offset: number) => source.slice(0, offset).split("\n").length;
  const textOf = (span: Span) => source.slice(span.start, span.end);
  const mutants: Mutant[] = [];
  const add = (span: Span, replacements: readonly string[], operator: MutationOperator) =>
    mutants.push({ line: lineOf(span.start), guard: textOf(span), replacements, span, operator });

  const chainRoots = new Set<Node>();
  for (const node of walk(tree)) {
    if (node.kind === "binary" && (node.op === "&&" || node.op === "||")) {
      if (!chainRoots.has(node)) {
        for (const operand of operandsOf(node, node.op, chainRoots))
          add(operand.span, TRUE_VALUES, "guard-true");
      }
    } else if (node.kind === "binary" && COMPARISON_SWAPS[node.op]) {
      const opSpan = operatorSpan(source, node);
      add(opSpan, [COMPARISON_SWAPS[node.op]!], "comparison");
    } else if (node.kind === "call" && isSigmaPropCall(node)) {
      add(node.args[0]!.span, ["true"], "sigmaprop-true");
    } else if (node.kind === "if") {
      add(node.cond.span, ["true"], "if-true");
      add(node.cond.span, ["false"], "if-false");
    }
  }
  return dedupe(mutants);
}

/** The operands of a chain of one operator (`a && b && c` parses as `(a && b) && c`); inner links are marked. */
function operandsOf(node: Node, op: string, inner: Set<Node>): Node[] {
  if (node.kind !== "binary" || node.op !== op) return [node];
  inner.add(node);
  return [...operandsOf(node.left, op, inner), ...operandsOf(node.right, op, inner)];
}

function isSigmaPropCall(node: Extract<Node, { kind: "call" }>): boolean {
  return node.callee.kind === "atom" && node.callee.text === "sigmaProp" && node.args.length === 1;
}

function operatorSpan(source: string, node: Extract<Node, { kind: "binary" }>): Span {
  const start = source.indexOf(node.op, node.left.span.end);
  return { start, end: start + node.op.length };
}

/** The same change reached twice (a `sigmaProp(x)` that is also a conjunct) is one mutant. */
function dedupe(mutants: Mutant[]): Mutant[] {
  const seen = new Set<string>();
  return mutants.filter((mutant) => {
    const key = `${mutant.span.start}:${mutant.span.end}:${mutant.replacements.join("|")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The source with one mutant's replacement applied. */
export function applyMutant(source: string, mutant: Mutant, replacement: string): string {
  return source.slice(0, mutant.span.start) + replacement + source.slice(mutant.span.end);
}
