// `npm run mutate:contracts [-- --contract <name> | --changed] [--list | --docs]`: every single-guard mutant of every contract, compiled
// with the real compiler and deployed to the specs that exercise that contract. A mutant the specs do not kill is
// a guard no test proves; it must get a test, be removed from the contract as redundant, or be declared equivalent
// (with the reason) in `ergoscript/contracts/<name>.equivalents.json`.
//
// Prints one JSON document on stdout: {contract: {mutants, killed, survived, equivalent}}; progress on stderr; the
// full report (which test killed which mutant) in .data/mutation/<contract>.json. `--docs` runs nothing: it writes
// the guards section of docs/protocol.md from those reports. A contract with 0 survivors is recorded in
// ergoscript/contracts/mutation.verified.json by its fingerprint; `--changed` runs only the contracts whose
// fingerprint changed since (what CI runs).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compileDeployment } from "../deployment.ts";
import { type EquivalentEntry, readEquivalents } from "./equivalents.ts";
import { type GuardResult, guardsSection, replaceSection } from "./guards-doc.ts";
import { applyMutant, type Mutant, mutantsOf } from "./mutants.ts";
import { type ContractName, SPECS } from "./specs.ts";
import { fingerprint, readStamp, writeStamp } from "./stamp.ts";

const root = join(import.meta.dirname, "../../..");
const contractsDir = join(root, "ergoscript/contracts");
const CONTRACTS = Object.keys(SPECS) as ContractName[];
const IDS = { configNftId: "aa".repeat(32), bankNftId: "bb".repeat(32), gpucTokenId: "cc".repeat(32) };
const RUN_TIMEOUT_MS = 300_000;

interface Outcome {
  readonly killed: boolean;
  /** The first failing test (or suite error), when killed. */
  readonly by?: string;
  /** Killed by a whole file failing (a hook, the devnet, a timeout) rather than by a test's assertion. */
  readonly suiteError?: boolean;
}

type MutantResult = GuardResult;

const { values: args } = parseArgs({
  options: {
    contract: { type: "string", multiple: true },
    list: { type: "boolean", default: false },
    docs: { type: "boolean", default: false },
    changed: { type: "boolean", default: false },
  },
});

const stampPath = join(contractsDir, "mutation.verified.json");
const selected = args.changed ? changedContracts() : ((args.contract ?? CONTRACTS) as ContractName[]);
for (const name of selected) {
  if (!CONTRACTS.includes(name)) fail(`Unknown contract '${name}'; choose one of ${CONTRACTS.join(", ")}`);
}

const workDir = mkdtempSync(join(tmpdir(), "gpuc-mutants-"));
const started = Date.now();
try {
  if (args.list) listMutants(selected);
  else if (args.docs) writeDocs(selected);
  else if (selected.length === 0)
    progress("every contract is verified at its current fingerprint: nothing to run");
  else run(selected);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

function listMutants(names: ContractName[]): void {
  for (const name of names) {
    for (const mutant of mutantsOf(sourceOf(name)))
      process.stdout.write(`${name}:${mutant.line}  ${describe(mutant, sourceOf(name))}\n`);
  }
}

function run(names: ContractName[]): void {
  progress("baseline: the specs pass with the original contracts deployed through the harness");
  resetSources();
  const baseline = runSpecs(names.flatMap((name) => SPECS[name]));
  if (baseline.killed) fail(`The specs fail without any mutant (${baseline.by}); fix that first`);

  const summary: Record<string, unknown> = {};
  const report: Record<string, MutantResult[]> = {};
  for (const name of names) {
    report[name] = mutateContract(name);
    summary[name] = summarize(report[name]);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  // One report per contract, so a run of one contract keeps the others' last reports.
  mkdirSync(join(root, ".data/mutation"), { recursive: true });
  for (const name of names) {
    const results = report[name]!;
    writeFileSync(
      join(root, `.data/mutation/${name}.json`),
      `${JSON.stringify({ seconds, source: sourceOf(name), fingerprint: fingerprintOf(name), mutants: results }, null, 2)}\n`,
    );
    if (!results.some((result) => result.status === "survived")) stampClean(name, results, seconds);
  }
  process.stdout.write(`${JSON.stringify({ ...summary, seconds }, null, 2)}\n`);
  const survivors = Object.values(report)
    .flat()
    .filter((result) => result.status === "survived").length;
  if (survivors > 0) process.exitCode = 1;
}

/** The files whose content decides a contract's mutation result. */
function fingerprintOf(name: ContractName): string {
  const harness = ["mutants.ts", "parse.ts", "specs.ts"].map((file) => `ergoscript/src/mutation/${file}`);
  const contract = [`ergoscript/contracts/${name}.es`, `ergoscript/contracts/${name}.equivalents.json`];
  return fingerprint(root, [...contract, ...SPECS[name], ...harness]);
}

function changedContracts(): ContractName[] {
  const stamp = readStamp(stampPath);
  return CONTRACTS.filter((name) => stamp[name]?.fingerprint !== fingerprintOf(name));
}

function stampClean(name: ContractName, results: readonly MutantResult[], seconds: number): void {
  const count = (status: MutantResult["status"]) =>
    results.filter((result) => result.status === status).length;
  writeStamp(stampPath, name, {
    fingerprint: fingerprintOf(name),
    mutants: results.length - count("not-compiled"),
    killed: count("killed"),
    equivalent: count("equivalent"),
    seconds,
    at: new Date().toISOString(),
  });
}

/** Rewrites the guards section of docs/protocol.md from each contract's last report (which must be current). */
function writeDocs(names: ContractName[]): void {
  const reports = names.map((name) => {
    const path = join(root, `.data/mutation/${name}.json`);
    let report: { seconds: number; source: string; mutants: GuardResult[] };
    try {
      report = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      fail(`No report for ${name} at ${path}: run \`npm run mutate:contracts -- --contract ${name}\` first`);
    }
    if (report.source !== sourceOf(name))
      fail(
        `${name}.es changed since its report: run \`npm run mutate:contracts -- --contract ${name}\` again`,
      );
    return { contract: name, source: report.source, results: report.mutants, seconds: report.seconds };
  });
  const docPath = join(root, "docs/protocol.md");
  writeFileSync(docPath, replaceSection(readFileSync(docPath, "utf8"), guardsSection(reports)));
  // The tables as the repository's formatter writes them, so `npm run lint` stays clean.
  spawnSync(join(root, "node_modules/.bin/biome"), ["format", "--write", docPath], { cwd: root });
  progress(`wrote the guards of ${names.join(", ")} to docs/protocol.md`);
}

function mutateContract(name: ContractName): MutantResult[] {
  const source = sourceOf(name);
  const original = treeOf(name, source);
  const equivalents = readEquivalents(join(contractsDir, `${name}.equivalents.json`));
  const byTree = new Map<string, Outcome>();
  const mutants = mutantsOf(source);
  const results = mutants.map((mutant, index): MutantResult => {
    const compiled = compileMutant(name, source, mutant);
    const base = { line: mutant.line, text: describe(mutant, source, compiled?.replacement) };
    const label = `${name} ${index + 1}/${mutants.length} line ${mutant.line}: ${base.text}`;
    if (!compiled) return { ...base, status: "not-compiled" };
    if (compiled.tree === original)
      return { ...base, status: "equivalent", why: "compiles to the original tree" };
    const declared = findEquivalent(equivalents, source, mutant, compiled.replacement);
    if (declared) return { ...base, status: "equivalent", why: declared.why };
    let outcome = byTree.get(compiled.tree);
    if (!outcome) {
      writeFileSync(join(workDir, `${name}.es`), compiled.source);
      outcome = runSpecs(SPECS[name]);
      // A file failing as a whole may be the machine (a devnet that did not answer under load), not the mutant:
      // such a kill counts only if it happens again.
      if (outcome.suiteError) {
        progress(`suite error, running ${label} again: ${outcome.by}`);
        outcome = runSpecs(SPECS[name]);
      }
      resetSources();
      byTree.set(compiled.tree, outcome);
    }
    progress(`${outcome.killed ? "killed  " : "SURVIVED"} ${label}${outcome.by ? `  [${outcome.by}]` : ""}`);
    return outcome.killed ? { ...base, status: "killed", by: outcome.by } : { ...base, status: "survived" };
  });
  for (const entry of equivalents) {
    if (!mutants.some((mutant) => matches(entry, source, mutant))) {
      progress(
        `warning: ${name}.equivalents.json names a mutant that no longer exists: ${JSON.stringify(entry)}`,
      );
    }
  }
  return results;
}

function summarize(results: MutantResult[]) {
  const pick = (status: MutantResult["status"]) => results.filter((result) => result.status === status);
  return {
    mutants: results.length - pick("not-compiled").length,
    killed: pick("killed").length,
    survived: pick("survived").map(({ line, text }) => ({ line, text })),
    equivalent: pick("equivalent").map(({ line, text, why }) => ({ line, text, why })),
    notCompiled: pick("not-compiled").length,
  };
}

/** The first replacement that the real compiler accepts, with the tree it gives; undefined when none does. */
function compileMutant(name: ContractName, source: string, mutant: Mutant) {
  for (const replacement of mutant.replacements) {
    const mutated = applyMutant(source, mutant, replacement);
    try {
      return { replacement, source: mutated, tree: treeOf(name, mutated) };
    } catch {
      // a type error (e.g. `true` where a SigmaProp is needed): try the next replacement
    }
  }
  return undefined;
}

function treeOf(name: ContractName, source: string): string {
  writeFileSync(join(workDir, `${name}.es`), source);
  process.env.GPUC_CONTRACTS_DIR = workDir;
  try {
    return compileDeployment(IDS, "testnet").contracts[name].ergoTree;
  } finally {
    delete process.env.GPUC_CONTRACTS_DIR;
    writeFileSync(join(workDir, `${name}.es`), sourceOf(name));
  }
}

/** Runs specs with the sources in `workDir` deployed; stops at the first failing test. */
function runSpecs(specs: readonly string[]): Outcome {
  const output = join(workDir, "vitest.json");
  rmSync(output, { force: true });
  const vitest = join(root, "node_modules/vitest/vitest.mjs");
  const result = spawnSync(
    process.execPath,
    [vitest, "run", "--no-isolate", "--pool", "threads", "--bail", "1"].concat([
      "--reporter",
      "json",
      "--outputFile",
      output,
      ...specs,
    ]),
    {
      cwd: root,
      env: { ...process.env, GPUC_CONTRACTS_DIR: workDir },
      timeout: RUN_TIMEOUT_MS,
      encoding: "utf8",
    },
  );
  if (result.error)
    return { killed: true, suiteError: true, by: `the run did not finish: ${result.error.message}` };
  let report: VitestReport;
  try {
    report = JSON.parse(readFileSync(output, "utf8")) as VitestReport;
  } catch {
    fail(`vitest wrote no report (exit ${result.status}):\n${(result.stderr ?? "").slice(-2000)}`);
  }
  return firstFailure(report) ?? { killed: false };
}

interface VitestReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly message?: string;
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[];
  }[];
}

/**
 * The first failing test of any file, else the first file that failed as a whole. Tests first: after the first
 * failure `--bail` cancels the files still running, which then fail as a whole (their devnet gone) and may come
 * first in the report.
 */
function firstFailure(report: VitestReport): Outcome | undefined {
  const spec = (file: VitestReport["testResults"][number]) => file.name.slice(root.length + 1);
  for (const file of report.testResults) {
    const test = file.assertionResults.find((assertion) => assertion.status === "failed");
    if (test) return { killed: true, by: `${spec(file)} > ${test.fullName}` };
  }
  const failed = report.testResults.find((file) => file.status === "failed");
  if (!failed) return undefined;
  return { killed: true, suiteError: true, by: `${spec(failed)}: ${(failed.message ?? "").slice(0, 160)}` };
}

function findEquivalent(
  entries: readonly EquivalentEntry[],
  source: string,
  mutant: Mutant,
  replacement: string,
) {
  return entries.find((entry) => matches(entry, source, mutant) && entry.mutant === replacement);
}

function matches(entry: EquivalentEntry, source: string, mutant: Mutant): boolean {
  return entry.guard === mutant.guard && entry.lineText === lineTextOf(source, mutant);
}

function lineTextOf(source: string, mutant: Mutant): string {
  return source.split("\n")[mutant.line - 1]!.trim();
}

/** How a mutant reads in the output: the replaced guard, or for a comparison the line it changes. */
function describe(mutant: Mutant, source: string, replacement = mutant.replacements[0]): string {
  if (mutant.operator === "comparison") {
    const line = shorten(lineTextOf(source, mutant));
    return `${mutant.guard} → ${replacement} in: ${line}`;
  }
  return `${shorten(mutant.guard)} → ${replacement}`;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

function sourceOf(name: ContractName): string {
  return readFileSync(join(contractsDir, `${name}.es`), "utf8");
}

function resetSources(): void {
  cpSync(contractsDir, workDir, { recursive: true, filter: (path) => !path.endsWith(".json") });
}

function progress(message: string): void {
  process.stderr.write(`[mutate] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`mutate:contracts: ${message}\n`);
  process.exit(2);
}
