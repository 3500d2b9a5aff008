/**
 * The live runner, as `parley test --live` uses it: finds and prepares test
 * files as the offline runner does, then plays every case that has a `live`
 * section `repeat` times (a few runs at once), and reports per case the runs,
 * how many passed and the pass rate. Cases without `live`, and cases marked
 * `skip`, are skipped with the reason.
 */
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { LiveCaseResult, LiveFileResult, LiveRunReport, LiveRunResult } from './live-run-results.js';
import type { FlowTestSuite } from './prepare-flow-tests.js';
import { defaultCatalog, pool, prepareFlowTestSuites } from './run-flow-tests.js';
import { runLiveCase, type LiveModelOptions } from './run-live-case.js';

/** How a live run goes. */
export interface RunLiveFlowTestsOptions {
  model: LiveModelOptions;
  /** Runs per case. Default 1. */
  repeat?: number;
  /** Pass rate (0 to 1) a case needs to pass. Default 1: every run. */
  minPassRate?: number;
  /** Runs at once. Default 2. */
  concurrency?: number;
  /** Only cases whose name contains this text (case-insensitive). */
  caseFilter?: string;
  /** Time limit of a run whose case gives no `live.maxDuration`, ms of call time. */
  timeoutMs?: number;
  /** Call time per wall-clock time: 1 against the real API; faster against the fake realtime server. */
  speed?: number;
  catalog?: ConnectorCatalog;
  /** Told about each run as it finishes, and each skipped case. */
  onRun?: (file: string, name: string, run: LiveRunResult | { skipped: string }) => void;
}

/** Why a case is not played live, or undefined when it is. */
function skipReason(testCase: FlowTestSuite['cases'][number]): string | undefined {
  if (testCase.skip !== undefined) return testCase.skip;
  if (!testCase.live) return 'no `live` section (persona and goal) in this case';
  return undefined;
}

/** Plays the live cases of prepared suites. */
export async function runLiveFlowTestSuites(suites: readonly FlowTestSuite[], options: RunLiveFlowTestsOptions): Promise<LiveFileResult[]> {
  const filter = options.caseFilter?.toLowerCase();
  const repeat = options.repeat ?? 1;
  const minPassRate = options.minPassRate ?? 1;
  const tasks: Array<() => Promise<{ suite: number; testCase: number; run: LiveRunResult }>> = [];
  const results: LiveFileResult[] = suites.map((suite, suiteIndex) => {
    const cases: LiveCaseResult[] = [];
    if (suite.findings.length === 0 && suite.flow) {
      for (const testCase of suite.cases) {
        if (filter && !testCase.name.toLowerCase().includes(filter)) continue;
        const reason = skipReason(testCase);
        const caseIndex = cases.length;
        cases.push({ name: testCase.name, status: reason ? 'skipped' : 'passed', ...(reason ? { skipReason: reason } : {}), runs: [], passed: 0, passRate: 0 });
        if (reason) {
          options.onRun?.(suite.file, testCase.name, { skipped: reason });
          continue;
        }
        for (let run = 1; run <= repeat; run++) {
          tasks.push(async () => {
            const result = await runLiveCase(suite.flow!, testCase, suite.test, {
              model: options.model,
              run,
              ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
              ...(options.speed !== undefined ? { speed: options.speed } : {}),
            });
            options.onRun?.(suite.file, testCase.name, result);
            return { suite: suiteIndex, testCase: caseIndex, run: result };
          });
        }
      }
    }
    return { file: suite.file, ...(suite.flowFile ? { flowFile: suite.flowFile } : {}), findings: suite.findings, cases };
  });
  for (const done of await pool(tasks, options.concurrency ?? 2)) results[done.suite]!.cases[done.testCase]!.runs.push(done.run);
  for (const file of results) {
    for (const result of file.cases) {
      if (result.status === 'skipped') continue;
      result.runs.sort((a, b) => a.run - b.run);
      result.passed = result.runs.filter((run) => run.status === 'passed').length;
      result.passRate = result.runs.length === 0 ? 0 : result.passed / result.runs.length;
      result.status = result.passRate >= minPassRate ? 'passed' : 'failed';
    }
  }
  return results;
}

/** Finds, prepares and plays the live cases under `paths`. */
export async function runLiveFlowTests(paths: readonly string[], options: RunLiveFlowTestsOptions): Promise<LiveRunReport> {
  const startedAt = performance.now();
  const catalog = options.catalog ?? (await defaultCatalog());
  const { suites, problems } = await prepareFlowTestSuites(paths, catalog);
  const files = await runLiveFlowTestSuites(suites, options);
  return { files, problems, repeat: options.repeat ?? 1, minPassRate: options.minPassRate ?? 1, durationMs: Math.round(performance.now() - startedAt) };
}
