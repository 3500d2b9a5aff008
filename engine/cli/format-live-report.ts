/**
 * How `parley test --live` shows its results: one line per run as it
 * finishes, then each failed run's failures (with `file:line:column` of the
 * expectation) and the conversation, a pass-rate table per case, and a
 * summary line — or one JSON document for tools. Pure, as format-test-report.
 */
import path from 'node:path';
import { countLiveResults, liveExitCode, type LiveFileResult, type LiveRunReport, type LiveRunResult, type LiveStop } from '../flow-tests/live-run-results.js';

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (style: keyof typeof ANSI, text: string) => string;
const plain: Paint = (_style, text) => text;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A pass rate as people read it: `67%`. */
export const rate = (value: number) => `${Math.floor(value * 100 + 1e-9)}%`;

const STOPS: Record<LiveStop, string> = {
  'call-ended': 'the call ended',
  'caller-done': 'the caller hung up',
  'max-turns': 'the caller ran out of turns',
  'time-limit': 'time limit',
  error: 'the run broke',
};

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** The line of one run (or of a skipped case). */
export function formatRunLine(file: string, name: string, run: LiveRunResult | { skipped: string }, repeat: number, paint: Paint = plain): string {
  if ('skipped' in run) return `${paint('yellow', '−')} ${shown(file)}  ${name}  ${paint('dim', `(skipped: ${run.skipped})`)}`;
  const mark = run.status === 'passed' ? paint('green', '✓') : paint('red', '✗');
  const which = repeat > 1 ? `  run ${run.run}/${repeat}` : '';
  return `${mark} ${shown(file)}  ${name}${which}  ${paint('dim', `(${STOPS[run.stoppedBy]} after ${plural(run.callerTurns, 'caller turn')}, ${seconds(run.callMs)} of call)`)}`;
}

function formatFailedRun(file: LiveFileResult, name: string, run: LiveRunResult, repeat: number, paint: Paint, lines: string[]): void {
  lines.push(`${paint('red', '✗')} ${paint('bold', name)}${repeat > 1 ? ` run ${run.run}/${repeat}` : ''}  ${paint('dim', shown(file.file))}`);
  for (const failure of run.failures) {
    const where = failure.position ? `${shown(file.file)}:${failure.position.line}:${failure.position.column}` : shown(file.file);
    lines.push(`    ${paint('bold', where)}  ${failure.message}  ${paint('dim', `[${failure.code}]`)}`);
    if (failure.expected !== undefined && failure.actual !== undefined) {
      lines.push(`      ${paint('green', 'expected:')} ${failure.expected}`);
      lines.push(`      ${paint('red', 'actual:  ')} ${failure.actual}`);
    }
  }
  if (run.timeline?.length) {
    lines.push(paint('dim', '    the call:'));
    for (const line of run.timeline) lines.push(paint('dim', `      ${line.length > 160 ? `${line.slice(0, 159)}…` : line}`));
  }
}

/** The report after the run lines: failures, pass rates per case, summary. */
export function formatLiveReport(report: LiveRunReport, options: { color: boolean }): string {
  const paint: Paint = options.color ? (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m` : plain;
  const lines: string[] = [];
  for (const file of report.files) {
    for (const finding of file.findings) {
      const where = finding.position ? `${shown(file.file)}:${finding.position.line}:${finding.position.column}` : shown(file.file);
      lines.push(`${paint('bold', where)}  ${paint('red', 'error')}  ${finding.message}  ${paint('dim', `[${finding.code}]`)}`);
      if (finding.hint) lines.push(`    ${paint('dim', 'hint:')} ${finding.hint}`);
    }
  }
  const failedRuns = report.files.flatMap((file) => file.cases.flatMap((c) => c.runs.filter((run) => run.status === 'failed').map((run) => ({ file, name: c.name, run }))));
  if (failedRuns.length) {
    if (lines.length) lines.push('');
    lines.push(paint('bold', 'Failed runs'));
    for (const { file, name, run } of failedRuns) formatFailedRun(file, name, run, report.repeat, paint, lines);
  }
  for (const problem of report.problems) lines.push(`${paint('bold', problem.path)}  ${paint('red', 'error')}  cannot run it: ${problem.message}  ${paint('dim', '[IO]')}`);

  const played = report.files.flatMap((file) => file.cases.filter((c) => c.status !== 'skipped').map((c) => ({ file, result: c })));
  if (played.length) {
    if (lines.length) lines.push('');
    lines.push(paint('bold', `Pass rates (minimum ${rate(report.minPassRate)})`));
    const width = Math.max(...played.map(({ result }) => result.name.length));
    for (const { file, result } of played) {
      const style = result.status === 'passed' ? 'green' : 'red';
      lines.push(`  ${result.name.padEnd(width)}  ${`${result.passed}/${result.runs.length}`.padStart(7)} ${paint(style, rate(result.passRate).padStart(4))}   ${paint('dim', shown(file.file))}`);
    }
  }
  const counts = countLiveResults(report);
  const parts = [`${plural(counts.cases, 'case')}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`, `${plural(counts.runs, 'run')}, ${counts.runsPassed} passed`];
  if (counts.runs === 0 && counts.fileErrors === 0) parts.push('no case has a `live` section');
  if (counts.fileErrors) parts.push(`${plural(counts.fileErrors, 'test file')} with errors`);
  if (report.problems.length) parts.push(`${plural(report.problems.length, 'path')} could not be read`);
  const summary = `${parts.join('; ')} (${seconds(report.durationMs)})`;
  if (lines.length) lines.push('');
  lines.push(liveExitCode(report) === 0 ? paint('green', summary) : paint('red', summary));
  return lines.join('\n');
}

/** The machine-readable report (`--json`). */
export function liveReportJson(report: LiveRunReport): LiveRunReport & { counts: ReturnType<typeof countLiveResults>; exitCode: number } {
  return { ...report, counts: countLiveResults(report), exitCode: liveExitCode(report) };
}
