/**
 * What running flow tests produces: per case its outcome and failures (each
 * naming the turn, the stage and expected vs actual, with where the
 * expectation is written), per file its problems, and per flow its coverage.
 * Plain data: `parley test --json` prints it as it is.
 */
import type { ErrorCode } from '../errors/catalog.js';
import type { Finding, SourcePosition } from '../flow/finding.js';

/** One way a case failed. */
export interface CaseFailure {
  code: ErrorCode;
  /** 1-based turn, when the failure belongs to one. */
  turn?: number;
  /** `turn 3 (caller says "Tuesday, please.")`. */
  turnLabel?: string;
  /** The stage the call was in when it was checked. */
  stage?: string | null;
  /** What failed, in words: `expected stage \`offer\`, but the call is in \`find_time\``. */
  message: string;
  expected?: string;
  actual?: string;
  /** Where the expectation (or action) is written in the test file. */
  pointer?: string;
  position?: SourcePosition;
}

/** One case's result. */
export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped (`skip:`), for skipped cases. */
  skipReason?: string;
  failures: CaseFailure[];
  /** Stages entered, in order. */
  stages: string[];
  /** Pointers of the flow transitions that fired, in order. */
  transitions: string[];
  durationMs: number;
  /** The call's timeline (one line per recorded event), kept for failed cases. */
  timeline?: string[];
}

/** Coverage of one flow by its cases. */
export interface FlowCoverage {
  flowId: string;
  flowFile: string;
  stages: { entered: string[]; all: string[] };
  /** Transitions by pointer, each with a short label and whether a case fired it. */
  transitions: Array<{ pointer: string; label: string; fired: boolean }>;
}

/** One test file's results. */
export interface FileResult {
  file: string;
  flowFile?: string;
  /** Problems of the file or its flow (syntax, schema, unknown names): none of its cases ran. */
  findings: Finding[];
  cases: CaseResult[];
  coverage?: FlowCoverage;
}

/** A whole run. */
export interface TestRunReport {
  files: FileResult[];
  /** Paths that could not be read. */
  problems: Array<{ path: string; message: string }>;
  durationMs: number;
}

/** Counts for the summary line and the exit code. */
export function countResults(report: TestRunReport): { files: number; cases: number; passed: number; failed: number; skipped: number; fileErrors: number } {
  const cases = report.files.flatMap((file) => file.cases);
  return {
    files: report.files.length,
    cases: cases.length,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
    fileErrors: report.files.filter((file) => file.findings.length > 0).length,
  };
}

/** The exit code, as `parley validate`'s: 2 when a path could not be read, 1 when a case failed or a file has errors, else 0. */
export function testExitCode(report: TestRunReport): 0 | 1 | 2 {
  if (report.problems.length > 0) return 2;
  const counts = countResults(report);
  return counts.failed > 0 || counts.fileErrors > 0 ? 1 : 0;
}
