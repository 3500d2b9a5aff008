/**
 * What `parley test --live` produces: per case its runs (each passed or
 * failed, why it stopped, what the two sides said), how many passed and the
 * pass rate; per file its problems. A case passes when its pass rate is at
 * least the run's minimum (`--min-pass-rate`, default 1: every run).
 * Plain data: `--json` prints it as it is.
 */
import type { Finding } from '../flow/finding.js';
import type { CaseFailure } from './flow-test-results.js';

/** Why a live run stopped. */
export type LiveStop =
  /** The engine ended the call (an `end` stage, a transfer, …). */
  | 'call-ended'
  /** The simulated caller reached its goal (or gave up on it) and hung up. */
  | 'caller-done'
  /** The caller had spoken `live.maxTurns` times and hung up. */
  | 'max-turns'
  /** The run's time limit (`live.maxDuration`, else `--timeout`) was reached and the caller hung up. */
  | 'time-limit'
  /** The run broke (setup, a model session); see its failures. */
  | 'error';

/** One run of a live case. */
export interface LiveRunResult {
  /** 1-based. */
  run: number;
  status: 'passed' | 'failed';
  stoppedBy: LiveStop;
  failures: CaseFailure[];
  /** Turns the caller spoke. */
  callerTurns: number;
  /** Stages entered, in order. */
  stages: string[];
  /** The conversation as the call recorded it. */
  transcript: Array<{ role: 'agent' | 'caller'; text: string }>;
  /** Call time (as the phone heard it). */
  callMs: number;
  durationMs: number;
  /** The call's timeline (one line per recorded event), kept for failed runs. */
  timeline?: string[];
}

/** One case's live runs. */
export interface LiveCaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  skipReason?: string;
  runs: LiveRunResult[];
  passed: number;
  /** Passed runs over runs (0 to 1); 0 when skipped. */
  passRate: number;
}

/** One test file's live results. */
export interface LiveFileResult {
  file: string;
  flowFile?: string;
  /** Problems of the file or its flow: none of its cases ran. */
  findings: Finding[];
  cases: LiveCaseResult[];
}

/** A whole live run. */
export interface LiveRunReport {
  files: LiveFileResult[];
  /** Paths that could not be read. */
  problems: Array<{ path: string; message: string }>;
  /** Runs per case. */
  repeat: number;
  /** Pass rate a case needs to pass. */
  minPassRate: number;
  durationMs: number;
}

/** Counts for the summary line and the exit code. */
export function countLiveResults(report: LiveRunReport): { cases: number; passed: number; failed: number; skipped: number; runs: number; runsPassed: number; fileErrors: number } {
  const cases = report.files.flatMap((file) => file.cases);
  const runs = cases.flatMap((c) => c.runs);
  return {
    cases: cases.length,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
    runs: runs.length,
    runsPassed: runs.filter((r) => r.status === 'passed').length,
    fileErrors: report.files.filter((file) => file.findings.length > 0).length,
  };
}

/** 2 when a path could not be read, 1 when a case is below the minimum pass rate or a file has errors, else 0. */
export function liveExitCode(report: LiveRunReport): 0 | 1 | 2 {
  if (report.problems.length > 0) return 2;
  const counts = countLiveResults(report);
  return counts.failed > 0 || counts.fileErrors > 0 ? 1 : 0;
}
