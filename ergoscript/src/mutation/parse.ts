// A parser for the ErgoScript the GPUC contracts are written in, just deep enough for the mutation harness: it
// finds every boolean chain, `sigmaProp(…)` call, comparison and `if`, with their exact spans in the source. Types
// are skipped, not checked: the real compiler judges every mutant afterwards.

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** A line break between this token and the one before it (statements end at line breaks). */
  readonly newlineBefore: boolean;
}

export type Node =
  | {
      readonly kind: "binary";
      readonly op: string;
      readonly left: Node;
      readonly right: Node;
      readonly span: Span;
    }
  | {
      readonly kind: "if";
      readonly cond: Node;
      readonly then: Node;
      readonly else?: Node;
      readonly span: Span;
    }
  | { readonly kind: "call"; readonly callee: Node; readonly args: readonly Node[]; readonly span: Span }
  | { readonly kind: "group"; readonly children: readonly Node[]; readonly span: Span }
  | { readonly kind: "atom"; readonly text: string; readonly span: Span };

/** Half-open character range [start, end) in the source. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export class ErgoScriptParseError extends Error {
  constructor(message: string, offset: number, source: string) {
    const line = source.slice(0, offset).split("\n").length;
    super(`${message} at line ${line}`);
    this.name = "ErgoScriptParseError";
  }
}

const OPERATORS = [
  "&&",
  "||",
  "==",
  "!=",
  "<=",
  ">=",
  "=>",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "=",
  ":",
  ".",
];
const PUNCTUATION = new Set(["(", ")", "{", "}", "[", "]", ","]);

/** Splits a source into tokens, dropping comments and whitespace. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let newline = false;
  const push = (length: number) => {
    tokens.push({ text: source.slice(i, i + length), start: i, end: i + length, newlineBefore: newline });
    newline = false;
    i += length;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === "\n") {
      newline = true;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (source.startsWith("//", i))
      i = source.indexOf("\n", i) === -1 ? source.length : source.indexOf("\n", i);
    else if (source.startsWith("/*", i)) i = source.indexOf("*/", i) + 2;
    else if (/[A-Za-z_]/.test(c)) push(/^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0].length);
    else if (/[0-9]/.test(c)) push(/^[0-9]+L?/.exec(source.slice(i))![0].length);
    else if (PUNCTUATION.has(c)) push(1);
    else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw new ErgoScriptParseError(`Unexpected character '${c}'`, i, source);
      push(op.length);
    }
  }
  return tokens;
}

// Scala's precedence, lowest first; ErgoScript uses the same.
const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "+": 8,
  "-": 8,
  "*": 9,
  "/": 9,
  "%": 9,
};

/** Parses a contract (one block) into its expression tree. */
export function parseContract(source: string): Node {
  return new Parser(source).contract();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  contract(): Node {
    const block = this.block();
    if (this.pos < this.tokens.length) this.fail("Expected the end of the contract");
    return block;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) this.fail("Unexpected end of the contract");
    return token!;
  }

  private expect(text: string): Token {
    const token = this.next();
    if (token.text !== text) this.fail(`Expected '${text}' but found '${token.text}'`, token.start);
    return token;
  }

  private fail(message: string, offset = this.peek()?.start ?? this.source.length): never {
    throw new ErgoScriptParseError(message, offset, this.source);
  }

  /** Skips a balanced bracket group starting at the current token (type arguments, parameter lists). */
  private skipBalanced(): Token {
    const open = this.next().text;
    const close = open === "(" ? ")" : open === "[" ? "]" : "}";
    let depth = 1;
    let last: Token = this.tokens[this.pos - 1]!;
    while (depth > 0) {
      last = this.next();
      if (last.text === open) depth++;
      else if (last.text === close) depth--;
    }
    return last;
  }

  /** Skips a type annotation up to (not including) the `=` that ends it. */
  private skipTypeUntilEquals(): void {
    while (this.peek() && this.peek()!.text !== "=") {
      if (["(", "["].includes(this.peek()!.text)) this.skipBalanced();
      else this.next();
    }
  }

  private block(): Node {
    const open = this.expect("{");
    this.skipLambdaParameters();
    const children: Node[] = [];
    while (this.peek() && this.peek()!.text !== "}") children.push(this.statement());
    const close = this.expect("}");
    return { kind: "group", children, span: { start: open.start, end: close.end } };
  }

  /** `{ (a: T, b: U) => body }`: the parameter list is skipped, the body is the block's statements. */
  private skipLambdaParameters(): void {
    if (this.peek()?.text !== "(") return;
    let depth = 0;
    for (let i = this.pos; i < this.tokens.length; i++) {
      const text = this.tokens[i]!.text;
      if (text === "(") depth++;
      else if (text === ")" && --depth === 0) {
        if (this.tokens[i + 1]?.text === "=>") this.pos = i + 2;
        return;
      }
    }
  }

  private statement(): Node {
    const keyword = this.peek()!.text;
    if (keyword !== "val" && keyword !== "def") return this.expression(0, true);
    const first = this.next();
    this.next(); // the name
    if (keyword === "def" && this.peek()?.text === "(") this.skipBalanced();
    if (this.peek()?.text === ":") this.skipTypeUntilEquals();
    this.expect("=");
    const value = this.expression(0, true);
    return { kind: "group", children: [value], span: { start: first.start, end: value.span.end } };
  }

  /** Precedence climbing; `lineSensitive`: a line break ends the expression (statement level, not in brackets). */
  private expression(minPrecedence: number, lineSensitive: boolean): Node {
    let left = this.postfix(this.primary(lineSensitive), lineSensitive);
    for (;;) {
      const op = this.peek();
      const precedence = op ? PRECEDENCE[op.text] : undefined;
      if (!op || precedence === undefined || precedence < minPrecedence) return left;
      if (lineSensitive && op.newlineBefore) return left;
      this.next();
      const right = this.expression(precedence + 1, lineSensitive);
      left = {
        kind: "binary",
        op: op.text,
        left,
        right,
        span: { start: left.span.start, end: right.span.end },
      };
    }
  }

  private primary(lineSensitive: boolean): Node {
    const token = this.peek();
    if (!token) this.fail("Expected an expression");
    if (token.text === "{") return this.block();
    if (token.text === "if") return this.conditional(lineSensitive);
    if (token.text === "(") {
      const open = this.next();
      const children = this.commaList(")");
      const close = this.expect(")");
      return { kind: "group", children, span: { start: open.start, end: close.end } };
    }
    if (token.text === "!" || token.text === "-") {
      this.next();
      const operand = this.postfix(this.primary(lineSensitive), lineSensitive);
      return { kind: "group", children: [operand], span: { start: token.start, end: operand.span.end } };
    }
    if (!/^[A-Za-z0-9_]/.test(token.text)) this.fail(`Unexpected '${token.text}'`, token.start);
    this.next();
    return { kind: "atom", text: token.text, span: { start: token.start, end: token.end } };
  }

  private commaList(close: string): Node[] {
    const items: Node[] = [];
    while (this.peek() && this.peek()!.text !== close) {
      items.push(this.expression(0, false));
      if (this.peek()?.text === ",") this.next();
    }
    return items;
  }

  private conditional(lineSensitive: boolean): Node {
    const keyword = this.expect("if");
    this.expect("(");
    const cond = this.expression(0, false);
    this.expect(")");
    const then = this.expression(0, lineSensitive);
    if (this.peek()?.text !== "else") {
      return { kind: "if", cond, then, span: { start: keyword.start, end: then.span.end } };
    }
    this.next();
    const otherwise = this.expression(0, lineSensitive);
    return {
      kind: "if",
      cond,
      then,
      else: otherwise,
      span: { start: keyword.start, end: otherwise.span.end },
    };
  }

  /** Member access, type arguments and application: `a.b[T](x)`, `xs.forall { … }`. */
  private postfix(node: Node, lineSensitive: boolean): Node {
    let current = node;
    for (;;) {
      const token = this.peek();
      if (!token) return current;
      const sameLine = !(lineSensitive && token.newlineBefore);
      if (token.text === "." && sameLine) {
        this.next();
        const member = this.next();
        current = {
          kind: "group",
          children: [current],
          span: { start: current.span.start, end: member.end },
        };
      } else if (token.text === "[" && sameLine) {
        const close = this.skipBalanced();
        current = { kind: "group", children: [current], span: { start: current.span.start, end: close.end } };
      } else if (token.text === "(" && sameLine) {
        this.next();
        const args = this.commaList(")");
        const close = this.expect(")");
        current = {
          kind: "call",
          callee: current,
          args,
          span: { start: current.span.start, end: close.end },
        };
      } else if (token.text === "{" && !token.newlineBefore) {
        const block = this.block();
        current = {
          kind: "call",
          callee: current,
          args: [block],
          span: { start: current.span.start, end: block.span.end },
        };
      } else return current;
    }
  }
}

/** Every node of the tree, parents before children. */
export function* walk(node: Node): Generator<Node> {
  yield node;
  switch (node.kind) {
    case "binary":
      yield* walk(node.left);
      yield* walk(node.right);
      break;
    case "if":
      yield* walk(node.cond);
      yield* walk(node.then);
      if (node.else) yield* walk(node.else);
      break;
    case "call":
      yield* walk(node.callee);
      for (const arg of node.args) yield* walk(arg);
      break;
    case "group":
      for (const child of node.children) yield* walk(child);
      break;
  }
}
