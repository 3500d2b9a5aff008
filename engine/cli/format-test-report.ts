/**
 * How `parley test` shows its results: one line per case, each failure with
 * `file:line:column` of the expectation, the turn, the stage and expected vs
 * actual, the failing call's timeline, a coverage table per flow, and a
 * summary line — or one JSON document for tools. Pure: the command decides
 * colours and where the text goes.
 */
import path from 'node:path';
import { transitionRatio } from '../flow-tests/flow-coverage.js';
import { countResults, testExitCode, type CaseResult, type FileResult, type TestRunReport } from '../flow-tests/flow-test-results.js';

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (style: keyof typeof ANSI, text: string) => string;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percent = (part: number, all: number) => `${all === 0 ? 100 : Math.floor((part / all) * 100)}%`;

/** Paths relative to the working folder, as a designer typed them. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** The line of one case: ✓, ✗ or − (skipped), its file and name. */
export function formatCaseLine(file: string, result: CaseResult, paint: Paint = (_s, text) => text): string {
  if (result.status === 'skipped') return `${paint('yellow', '−')} ${shown(file)}  ${result.name}  ${paint('dim', `(skipped: ${result.skipReason ?? 'no reason'})`)}`;
  const mark = result.status === 'passed' ? paint('green', '✓') : paint('red', '✗');
  return `${mark} ${shown(file)}  ${result.name}  ${paint('dim', `(${seconds(result.durationMs)})`)}`;
}

function formatFailures(file: FileResult, result: CaseResult, paint: Paint, lines: string[]): void {
  lines.push(`${paint('red', '✗')} ${paint('bold', result.name)}  ${paint('dim', shown(file.file))}`);
  for (const failure of result.failures) {
    const where = failure.position ? `${shown(file.file)}:${failure.position.line}:${failure.position.column}` : shown(file.file);
    const context = [failure.turnLabel, failure.stage !== undefined ? `in stage ${failure.stage === null ? 'none' : `\`${failure.stage}\``}` : undefined].filter(Boolean).join(', ');
    lines.push(`    ${paint('bold', where)}  ${context ? `${context}: ` : ''}${failure.message}  ${paint('dim', `[${failure.code}]`)}`);
    if (failure.expected !== undefined && failure.actual !== undefined) {
      lines.push(`      ${paint('green', 'expected:')} ${failure.expected}`);
      lines.push(`      ${paint('red', 'actual:  ')} ${failure.actual}`);
    }
  }
  if (result.timeline?.length) {
    lines.push(paint('dim', '    the call:'));
    for (const line of result.timeline) lines.push(paint('dim', `      ${line.length > 160 ? `${line.slice(0, 159)}…` : line}`));
  }
}

/** The coverage table: per flow, stages entered and transitions fired, and those no case fired. */
export function formatCoverage(report: TestRunReport, paint: Paint = (_s, text) => text): string[] {
  const lines: string[] = [];
  const covered = report.files.filter((file) => file.coverage);
  if (covered.length === 0) return lines;
  lines.push(paint('bold', 'Coverage'));
  const width = Math.max(...covered.map((file) => file.coverage!.flowId.length));
  for (const file of covered) {
    const coverage = file.coverage!;
    const fired = coverage.transitions.filter((t) => t.fired).length;
    const ratio = transitionRatio(coverage);
    const style = ratio >= 0.9 ? 'green' : ratio >= 0.6 ? 'yellow' : 'red';
    lines.push(
      `  ${coverage.flowId.padEnd(width)}  stages ${`${coverage.stages.entered.length}/${coverage.stages.all.length}`.padStart(5)} ${percent(coverage.stages.entered.length, coverage.stages.all.length).padStart(4)}   transitions ${`${fired}/${coverage.transitions.length}`.padStart(5)} ${paint(style, percent(fired, coverage.transitions.length).padStart(4))}   ${paint('dim', shown(coverage.flowFile))}`,
    );
    const missedStages = coverage.stages.all.filter((name) => !coverage.stages.entered.includes(name));
    if (missedStages.length) lines.push(paint('dim', `      stages never entered: ${missedStages.join(', ')}`));
    for (const transition of coverage.transitions.filter((t) => !t.fired)) lines.push(paint('dim', `      not fired: ${transition.label}  ${transition.pointer}`));
  }
  return lines;
}

/** The human-readable report (after the case lines, which the command prints as cases finish). */
export function formatTestReport(report: TestRunReport, options: { color: boolean; caseLines?: boolean }): string {
  const paint: Paint = options.color ? (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m` : (_style, text) => text;
  const lines: string[] = [];
  if (options.caseLines) for (const file of report.files) for (const result of file.cases) lines.push(formatCaseLine(file.file, result, paint));
  for (const file of report.files) {
    for (const finding of file.findings) {
      const where = finding.position ? `${shown(file.file)}:${finding.position.line}:${finding.position.column}` : shown(file.file);
      lines.push(`${paint('bold', where)}  ${paint('red', 'error')}  ${finding.message}  ${paint('dim', `[${finding.code}]`)}`);
      if (finding.hint) lines.push(`    ${paint('dim', 'hint:')} ${finding.hint}`);
    }
  }
  const failed = report.files.flatMap((file) => file.cases.filter((c) => c.status === 'failed').map((c) => ({ file, result: c })));
  if (failed.length) {
    if (lines.length) lines.push('');
    lines.push(paint('bold', 'Failures'));
    for (const { file, result } of failed) formatFailures(file, result, paint, lines);
  }
  for (const problem of report.problems) lines.push(`${paint('bold', problem.path)}  ${paint('red', 'error')}  cannot run it: ${problem.message}  ${paint('dim', '[IO]')}`);
  const coverage = formatCoverage(report, paint);
  if (coverage.length) {
    if (lines.length) lines.push('');
    lines.push(...coverage);
  }
  const counts = countResults(report);
  const parts = [`${plural(counts.cases, 'case')}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`];
  if (counts.fileErrors) parts.push(`${plural(counts.fileErrors, 'test file')} with errors`);
  if (report.problems.length) parts.push(`${plural(report.problems.length, 'path')} could not be read`);
  const summary = `${parts.join('; ')} (${seconds(report.durationMs)})`;
  if (lines.length) lines.push('');
  lines.push(testExitCode(report) === 0 ? paint('green', summary) : paint('red', summary));
  return lines.join('\n');
}

/** The machine-readable report (`--json`). */
export function testReportJson(report: TestRunReport): TestRunReport & { counts: ReturnType<typeof countResults>; exitCode: number } {
  return { ...report, counts: countResults(report), exitCode: testExitCode(report) };
}
