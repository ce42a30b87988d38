// `npm run lint:imports`: the import arrows inside each workspace go one way.
//
// Two checks per workspace `src/`:
// - no file-level import cycle (madge, type-only imports included: a type cycle is still a design cycle);
// - no cycle between the workspace's parts, where a part is a top-level folder (`instances/`, `agent/`) or a
//   top-level file (`config.ts`, `services.ts`). This is the rule that matters for reading the code: `config.ts`
//   may not import `agent/` when `agent/` imports `config.ts`, and a feature folder may not reach back into the
//   composition root that wires it.
// Specs and test harnesses (`*.spec.ts`, `testing/`) may import anything and are left out of those two.
// And across workspaces: every file (specs included) imports another workspace only through its `exports` map.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import madge from "madge";

const root = join(import.meta.dirname, "..");

type Graph = Record<string, string[]>;

const isTestFile = (file: string) => file.endsWith(".spec.ts") || file.startsWith("testing/");

const partOf = (file: string) => (file.includes("/") ? `${file.split("/")[0]}/` : file);

function workspaces(): string[] {
  return readdirSync(root).filter((name) => {
    const src = join(root, name, "src");
    try {
      return statSync(src).isDirectory() && statSync(join(root, name, "package.json")).isFile();
    } catch {
      return false;
    }
  });
}

/** Tarjan's strongly connected components with more than one node (or a self-loop): each one is a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** One shortest loop through the component, each hop spelled as the file → file import that makes it. */
function witness(graph: Graph, parts: Map<string, Set<string>>, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  let last: string | undefined;
  while (queue.length > 0 && last === undefined) {
    const node = queue.shift()!;
    for (const next of parts.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        last = node;
        break;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const loop = [start];
  for (let node = last; node !== undefined && node !== start; node = previous.get(node))
    loop.splice(1, 0, node);
  return loop.map((from, i) => {
    const to = loop[(i + 1) % loop.length];
    const edge = Object.entries(graph).find(
      ([file, deps]) => partOf(file) === from && deps.some((dep) => partOf(dep) === to),
    );
    const dep = edge?.[1].find((d) => partOf(d) === to);
    return `${edge?.[0]} → ${dep}`;
  });
}

async function check(workspace: string): Promise<string[]> {
  const result = await madge(join(root, workspace, "src"), {
    fileExtensions: ["ts"],
    tsConfig: join(root, "tsconfig.json"),
    excludeRegExp: [/\.spec\.ts$/, /^testing\//],
  });
  const graph = result.obj() as Graph;
  const problems = result.circular().map((loop: string[]) => `file cycle: ${[...loop, loop[0]].join(" → ")}`);
  const parts = new Map<string, Set<string>>();
  for (const [file, deps] of Object.entries(graph)) {
    if (isTestFile(file)) continue;
    const from = partOf(file);
    const edges = parts.get(from) ?? new Set<string>();
    parts.set(from, edges);
    for (const dep of deps) if (!isTestFile(dep) && partOf(dep) !== from) edges.add(partOf(dep));
  }
  for (const component of cycles(parts)) {
    const hops = witness(graph, parts, component).join("\n      ");
    problems.push(`part cycle between ${component.join(", ")}, for example:\n      ${hops}`);
  }
  return problems.map((problem) => `${workspace}: ${problem}`);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const exportsOf = (workspace: string): string[] => {
  const manifest = JSON.parse(readFileSync(join(root, workspace, "package.json"), "utf8")) as {
    exports?: Record<string, string>;
  };
  return Object.keys(manifest.exports ?? { ".": "" });
};

/** Imports that reach into another workspace's files instead of its `exports` map. */
function reaches(workspace: string): string[] {
  const names = new Map(workspaces().map((name) => [`@gpuc/${name}`, name]));
  const problems: string[] = [];
  for (const file of sourceFiles(join(root, workspace))) {
    const text = readFileSync(file, "utf8");
    for (const [, spec = ""] of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      const where = relative(root, file);
      if (spec.startsWith(".")) {
        const target = relative(root, resolve(dirname(file), spec));
        if (!target.startsWith(`${workspace}/`))
          problems.push(`${where} imports ${spec} (another workspace's file)`);
        continue;
      }
      const match = /^(@gpuc\/[^/]+)(\/.*)?$/.exec(spec);
      const other = match?.[1] && names.get(match[1]);
      if (other && !exportsOf(other).includes(`.${match[2] ?? ""}`))
        problems.push(`${where} imports ${spec}, which @gpuc/${other} does not export`);
    }
  }
  return problems.map((problem) => `${workspace}: ${problem}`);
}

const problems = [...(await Promise.all(workspaces().map(check))).flat(), ...workspaces().flatMap(reaches)];
if (problems.length > 0) {
  console.error(
    `Import arrows must go one way, and across workspaces only through exports; ${problems.length} problem(s):`,
  );
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  `imports: no cycles and no reach into another workspace's files, in ${workspaces().length} workspaces`,
);
