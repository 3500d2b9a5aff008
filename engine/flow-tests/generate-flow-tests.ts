/**
 * `parley test --generate`: for each flow, a skeleton case for every
 * transition no case covers yet. Coverage is what the existing cases of the
 * flow's test file fire when they run (offline, as `parley test` runs them);
 * a transition a generated case already targets counts as covered too, so
 * generating twice adds nothing. Each uncovered transition gets the shortest
 * path to it (transition-paths.ts); paths that already pass through another
 * uncovered transition cover it as well, longest first, so there are as few
 * cases as the paths allow. Cases are appended to `<flow>.test.yaml`, or the
 * file is created.
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { findFiles } from '../cli/find-flow-files.js';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { createConnectorHost } from '../connectors/connector-host.js';
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import { flowTestFileOf, isFlowFileName, isFlowTestFileName, siblingFlowFiles } from '../flow/flow-file-names.js';
import { buildFlowModel } from '../flow/flow-model.js';
import { lintFlow } from '../flow/lint-flow.js';
import { loadFlowFile } from '../flow/load-flow-file.js';
import type { Flow } from '../types/flow.generated.js';
import { appendCases, newTestFileText } from './append-cases.js';
import { describeTransition } from './flow-coverage.js';
import { loadFlowTestText } from './load-flow-test-file.js';
import { prepareFlowTests } from './prepare-flow-tests.js';
import { runFlowTestSuites } from './run-flow-tests.js';
import { skeletonCase, skeletonCaseName, type SkeletonCase } from './skeleton-cases.js';
import { findTransitionPaths, type TransitionPath } from './transition-paths.js';

/** What was generated for one flow. */
export interface GeneratedForFlow {
  flowFile: string;
  testFile: string;
  /** Whether the test file was created (else appended to, or left alone when nothing was missing). */
  created: boolean;
  /** Transitions of the flow, and how many the existing cases cover. */
  transitions: { all: number; covered: number };
  cases: Array<{ name: string; target: string; alsoCovers: string[]; turns: number; placeholders: number }>;
  /** Uncovered transitions no path reaches, with the reason. */
  unreachable: Array<{ transition: string; pointer: string; reason: string }>;
  /** Why nothing could be generated for this flow (its flow or its test file has errors). */
  problem?: string;
}

export interface GenerateReport {
  flows: GeneratedForFlow[];
  /** Paths that are not flows or cannot be read. */
  problems: Array<{ path: string; message: string }>;
}

export interface GenerateOptions {
  catalog?: ConnectorCatalog;
  /** Existing cases run this many at a time to measure coverage (default 2). */
  concurrency?: number;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The flow files among `paths`: flows as named, a test file stands for its flow, folders searched. */
async function findFlows(paths: readonly string[]): Promise<{ files: string[]; problems: Array<{ path: string; message: string }> }> {
  const named: string[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  for (const given of paths) {
    if (isFlowTestFileName(given)) {
      const candidates = siblingFlowFiles(given);
      let flow: string | undefined;
      for (const candidate of candidates) if (!flow && (await exists(candidate))) flow = candidate;
      if (flow) named.push(flow);
      else problems.push({ path: given, message: 'no flow beside this test file' });
    } else named.push(given);
  }
  const found = await findFiles(named, isFlowFileName);
  return { files: found.files, problems: [...problems, ...found.problems] };
}

/** Generates the missing cases of every flow under `paths`. Throws ParleyError `IO` when a test file cannot be written. */
export async function generateFlowTests(paths: readonly string[], options: GenerateOptions = {}): Promise<GenerateReport> {
  const found = await findFlows(paths);
  const catalog = options.catalog ?? (await createConnectorHost({ env: process.env })).catalog();
  const flows: GeneratedForFlow[] = [];
  for (const flowFile of found.files) flows.push(await generateForFlow(flowFile, catalog, options));
  return { flows, problems: found.problems };
}

async function generateForFlow(flowFile: string, catalog: ConnectorCatalog, options: GenerateOptions): Promise<GeneratedForFlow> {
  const testFile = flowTestFileOf(flowFile);
  const result: GeneratedForFlow = { flowFile, testFile, created: false, transitions: { all: 0, covered: 0 }, cases: [], unreachable: [] };
  let loaded;
  try {
    loaded = await loadFlowFile(flowFile);
  } catch (error) {
    return { ...result, problem: isParleyError(error) ? error.message : String(error) };
  }
  const errors = lintFlow(loaded, { catalog }).findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    return { ...result, problem: `the flow has ${errors.length} error${errors.length === 1 ? '' : 's'} (run \`parley validate ${flowFile}\`); the first: ${errors[0]!.message}` };
  }
  const flow = loaded.value as Flow;
  const model = buildFlowModel(flow);
  result.transitions.all = model.transitions.length;

  // What the existing cases cover, by running them.
  const covered = new Set<string>();
  const names = new Set<string>();
  const hasTestFile = await exists(testFile);
  let text: string | undefined;
  if (hasTestFile) {
    text = await readText(testFile);
    const suite = await prepareFlowTests(testFile, { catalog });
    if (suite.findings.length > 0) {
      const first = suite.findings[0]!;
      const where = first.position ? `${testFile}:${first.position.line}:${first.position.column}` : testFile;
      return { ...result, problem: `its test file has ${suite.findings.length} problem${suite.findings.length === 1 ? '' : 's'} to fix first (run \`parley test ${testFile}\`); the first: ${where} ${first.message}` };
    }
    for (const entry of suite.cases) names.add(entry.name);
    const [ran] = await runFlowTestSuites([suite], { catalog, concurrency: options.concurrency ?? 2 });
    for (const transition of ran?.coverage?.transitions ?? []) if (transition.fired) covered.add(transition.pointer);
  }
  result.transitions.covered = covered.size;

  // Shortest paths to what is not covered; a case generated before counts as covering its transition.
  const { paths, unreachable } = findTransitionPaths(model, { catalog });
  // A case generated before (same name) covers its whole path, even while its TODOs keep it from running.
  for (const path of paths.values()) {
    if (names.has(skeletonCaseName(path))) for (const step of path.steps) covered.add(step.transition.pointer);
  }
  const targets: TransitionPath[] = [];
  for (const node of model.transitions) {
    const path = paths.get(node.pointer);
    if (path && !covered.has(node.pointer)) targets.push(path);
  }
  for (const entry of unreachable) {
    if (!covered.has(entry.target.pointer)) result.unreachable.push({ transition: describeTransition(entry.target), pointer: entry.target.pointer, reason: entry.reason });
  }
  // Longest paths first: a shorter target on a chosen path needs no case of its own.
  const turnsOf = (path: TransitionPath) => path.steps.filter((step) => step.drive.kind !== 'auto').length;
  const order = [...targets].sort((a, b) => turnsOf(b) - turnsOf(a) || b.steps.length - a.steps.length);
  const chosen: Array<{ path: TransitionPath; skeleton: SkeletonCase; alsoCovers: string[] }> = [];
  const pending = new Set(targets.map((path) => path.target.pointer));
  for (const path of order) {
    if (!pending.has(path.target.pointer)) continue;
    const skeleton = skeletonCase(model, path, uniqueName(skeletonCaseName(path), names));
    names.add(skeleton.case.name);
    const alsoCovers = skeleton.fires.filter((pointer) => pointer !== path.target.pointer && pending.has(pointer));
    for (const pointer of skeleton.fires) pending.delete(pointer);
    if (alsoCovers.length > 0) skeleton.comments.push(`It also covers ${alsoCovers.map((pointer) => describeTransition(model.transitions.find((node) => node.pointer === pointer)!)).join('; ')}.`);
    chosen.push({ path, skeleton, alsoCovers });
  }
  // Written in the flow's order of transitions.
  const position = new Map(model.transitions.map((node, index) => [node.pointer, index]));
  chosen.sort((a, b) => position.get(a.path.target.pointer)! - position.get(b.path.target.pointer)!);
  if (chosen.length === 0) return result;

  const skeletons = chosen.map((entry) => entry.skeleton);
  const output = text !== undefined ? appendCases(text, skeletons) : newTestFileText(testFile, flowFile, skeletons);
  // What is written must read back as a valid test file.
  const check = loadFlowTestText(output, testFile);
  if (check.findings.length > 0) {
    throw new ParleyError('INTERNAL', `the cases generated for ${flowFile} do not read back as a valid test file: ${check.findings[0]!.message}`);
  }
  try {
    await writeFile(testFile, output, 'utf8');
  } catch (error) {
    throw new ParleyError('IO', `cannot write ${testFile}: ${(error as Error).message}`, { cause: error, details: { path: testFile } });
  }
  result.created = !hasTestFile;
  const describe = (pointer: string) => describeTransition(model.transitions.find((node) => node.pointer === pointer)!);
  result.cases = chosen.map(({ path, skeleton, alsoCovers }) => ({
    name: skeleton.case.name,
    target: describe(path.target.pointer),
    alsoCovers: alsoCovers.map(describe),
    turns: skeleton.case.turns.length,
    placeholders: JSON.stringify(skeleton.case).match(/"TODO\b/g)?.length ?? 0,
  }));
  return result;
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name} #${n}`)) return `${name} #${n}`;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ParleyError('IO', `cannot read ${file}: ${(error as Error).message}`, { cause: error, details: { path: file } });
  }
}
