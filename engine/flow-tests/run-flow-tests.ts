/**
 * The flow test runner, as `parley test` and vitest use it: finds test files
 * (`*.test.yaml` in folders; a flow file named stands for the test file
 * beside it), prepares each (schema, flow, names), runs every case through
 * the real engine — a few at a time, each on its own engine and store — and
 * reports results and coverage per flow.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findFiles } from '../cli/find-flow-files.js';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { createConnectorHost } from '../connectors/connector-host.js';
import { flowTestFileOf, isFlowFileName, isFlowTestFileName } from '../flow/flow-file-names.js';
import type { DriverLimits } from './call-driver.js';
import { flowCoverage } from './flow-coverage.js';
import type { CaseResult, FileResult, TestRunReport } from './flow-test-results.js';
import { prepareFlowTests, type FlowTestSuite } from './prepare-flow-tests.js';
import { runFlowTestCase } from './run-flow-test-case.js';

/** How a run goes. */
export interface RunFlowTestsOptions {
  /** Catalog the flows are linted against. Default: the built-in connectors (and PARLEY_CONNECTORS). */
  catalog?: ConnectorCatalog;
  /** Cases run at once. Default 2 (each is a whole engine; the machine may have two cores). */
  concurrency?: number;
  /** Only cases whose name contains this text (case-insensitive). */
  caseFilter?: string;
  /** Bounds of each call's waits. */
  limits?: Partial<DriverLimits>;
  /** Told about each case as it finishes. */
  onCase?: (file: string, result: CaseResult) => void;
}

/** The test files among `paths`: test files as named, flows named stand for their test file, folders searched. */
export async function findFlowTestFiles(paths: readonly string[]): Promise<{ files: string[]; problems: Array<{ path: string; message: string }> }> {
  const problems: Array<{ path: string; message: string }> = [];
  const named: string[] = [];
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (info?.isFile() && !isFlowTestFileName(path.basename(given)) && isFlowFileName(path.basename(given))) {
      const test = flowTestFileOf(given);
      if (await stat(test).catch(() => undefined)) named.push(test);
      else problems.push({ path: given, message: `this flow has no test file (${path.basename(test)}); \`parley test --generate ${given}\` writes one` });
    } else named.push(given);
  }
  const found = await findFiles(named, isFlowTestFileName);
  return { files: found.files, problems: [...problems, ...found.problems] };
}

/** Runs `tasks` with at most `limit` at once, keeping their order in the results. */
export async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}

/** The catalog of the built-in connectors (manifests only). */
export async function defaultCatalog(): Promise<ConnectorCatalog> {
  return (await createConnectorHost({ env: process.env })).catalog();
}

/** Runs the cases of prepared suites and reports per file. */
export async function runFlowTestSuites(suites: readonly FlowTestSuite[], options: RunFlowTestsOptions = {}): Promise<FileResult[]> {
  const filter = options.caseFilter?.toLowerCase();
  const tasks: Array<() => Promise<{ suite: number; result: CaseResult }>> = [];
  suites.forEach((suite, index) => {
    if (suite.findings.length > 0 || !suite.flow) return;
    for (const testCase of suite.cases) {
      if (filter && !testCase.name.toLowerCase().includes(filter)) continue;
      tasks.push(async () => {
        const result = await runFlowTestCase(suite.flow!, testCase, suite.test, { ...(options.limits ? { limits: options.limits } : {}) });
        options.onCase?.(suite.file, result);
        return { suite: index, result };
      });
    }
  });
  const done = await pool(tasks, options.concurrency ?? 2);
  return suites.map((suite, index) => {
    const cases = done.filter((entry) => entry.suite === index).map((entry) => entry.result);
    return {
      file: suite.file,
      ...(suite.flowFile ? { flowFile: suite.flowFile } : {}),
      findings: suite.findings,
      cases,
      ...(suite.model && suite.flowFile && suite.findings.length === 0 ? { coverage: flowCoverage(suite.model, suite.flowFile, cases) } : {}),
    };
  });
}

/** Finds the test files under `paths` and prepares each; a file that cannot be read is a problem, not a suite. */
export async function prepareFlowTestSuites(paths: readonly string[], catalog: ConnectorCatalog): Promise<{ suites: FlowTestSuite[]; problems: Array<{ path: string; message: string }> }> {
  const found = await findFlowTestFiles(paths);
  const suites: FlowTestSuite[] = [];
  const problems = [...found.problems];
  for (const file of found.files) {
    try {
      suites.push(await prepareFlowTests(file, { catalog }));
    } catch (error) {
      problems.push({ path: file, message: (error as Error).message.replace(/^cannot read [^:]*: /, '') });
    }
  }
  return { suites, problems };
}

/** Finds, prepares and runs the flow tests under `paths`. */
export async function runFlowTests(paths: readonly string[], options: RunFlowTestsOptions = {}): Promise<TestRunReport> {
  const startedAt = performance.now();
  const catalog = options.catalog ?? (await defaultCatalog());
  const { suites, problems } = await prepareFlowTestSuites(paths, catalog);
  const files = await runFlowTestSuites(suites, { ...options, catalog });
  return { files, problems, durationMs: Math.round(performance.now() - startedAt) };
}
