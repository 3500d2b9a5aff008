/**
 * How `parley validate` shows its results: readable lines a flow designer can
 * follow (and terminals and editors can click: `path:line:column`), or one
 * JSON document for tools. Pure: the command decides colours and where the
 * text goes.
 */
import type { Finding } from '../flow/finding.js';

/** The findings of one file. */
export interface FileReport {
  file: string;
  findings: Finding[];
}

/** Everything one `parley validate` run found. */
export interface ValidateReport {
  files: FileReport[];
  /** Paths that could not be read (exit 2). */
  problems: Array<{ path: string; message: string }>;
  /** One-line notes, e.g. a connector that did not load. */
  notes: string[];
}

export interface ValidateCounts {
  files: number;
  /** Files with no error (warnings allowed). */
  valid: number;
  /** Files with at least one error. */
  invalid: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Paths that could not be read. */
  unreadable: number;
}

export function countReport(report: ValidateReport): ValidateCounts {
  const all = report.files.flatMap((file) => file.findings);
  const invalid = report.files.filter((file) => file.findings.some((finding) => finding.severity === 'error')).length;
  return {
    files: report.files.length,
    valid: report.files.length - invalid,
    invalid,
    errors: all.filter((finding) => finding.severity === 'error').length,
    warnings: all.filter((finding) => finding.severity === 'warning').length,
    infos: all.filter((finding) => finding.severity === 'info').length,
    unreadable: report.problems.length,
  };
}

/** The exit code: 2 when a path could not be read, 1 when a flow has errors, else 0. */
export function exitCodeOf(report: ValidateReport): 0 | 1 | 2 {
  if (report.problems.length > 0) return 2;
  return countReport(report).invalid > 0 ? 1 : 0;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (style: keyof typeof ANSI, text: string) => string;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The human-readable report. `color`: ANSI colours (only on a terminal, and never with NO_COLOR). */
export function formatValidateReport(report: ValidateReport, options: { color: boolean }): string {
  const paint: Paint = options.color ? (style, text) => `\u001b[${ANSI[style]}m${text}\u001b[0m` : (_style, text) => text;
  const severityStyle = { error: 'red', warning: 'yellow', info: 'cyan' } as const;
  const lines: string[] = [];

  for (const file of report.files) {
    if (file.findings.length === 0) {
      lines.push(`${paint('green', '✓')} ${file.file}`);
      continue;
    }
    for (const finding of file.findings) {
      const where = finding.position ? `${file.file}:${finding.position.line}:${finding.position.column}` : file.file;
      lines.push(`${paint('bold', where)}  ${paint(severityStyle[finding.severity], finding.severity)}  ${finding.message}  ${paint('dim', `[${finding.code}]`)}`);
      if (finding.pointer) lines.push(paint('dim', `    at ${finding.pointer}`));
      if (finding.hint) lines.push(`    ${paint('dim', 'hint:')} ${finding.hint}`);
    }
  }
  for (const problem of report.problems) lines.push(`${paint('bold', problem.path)}  ${paint('red', 'error')}  cannot read it: ${problem.message}  ${paint('dim', '[IO]')}`);
  for (const note of report.notes) lines.push(`${paint('cyan', 'ℹ')} ${note}`);

  const counts = countReport(report);
  const checked = counts.files ? `${plural(counts.files, 'flow')} checked: ${counts.valid} valid, ${counts.invalid} with errors` : 'No flow checked';
  const unreadable = counts.unreadable ? `; ${plural(counts.unreadable, 'path')} could not be read` : '';
  const summary = `${checked} (${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')})${unreadable}`;
  if (lines.length) lines.push('');
  lines.push(counts.invalid || counts.unreadable ? paint('red', summary) : paint('green', summary));
  return lines.join('\n');
}

/** The machine-readable report (`--json`). */
export function validateReportJson(report: ValidateReport): {
  files: Array<FileReport & { valid: boolean }>;
  problems: ValidateReport['problems'];
  notes: string[];
  counts: ValidateCounts;
  exitCode: number;
} {
  return {
    files: report.files.map((file) => ({ ...file, valid: !file.findings.some((finding) => finding.severity === 'error') })),
    problems: report.problems,
    notes: report.notes,
    counts: countReport(report),
    exitCode: exitCodeOf(report),
  };
}
