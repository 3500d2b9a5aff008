/**
 * `parley validate <files or folders> [--json] [--catalog <file>]`: loads and
 * lints flow files and reports what is wrong in a flow designer's words.
 * Exit 0 when no flow has errors (warnings allowed), 1 when one has, 2 on
 * usage or I/O errors (a missing path, an unreadable file or catalog).
 */
import path from 'node:path';
import { isParleyError } from '../errors/parley-error.js';
import { isFlowTestFileName } from '../flow/flow-file-names.js';
import { loadFlowFile } from '../flow/load-flow-file.js';
import { lintFlow } from '../flow/lint-flow.js';
import { loadLintCatalog } from './catalog-source.js';
import { findFlowFiles } from './find-flow-files.js';
import { exitCodeOf, formatValidateReport, validateReportJson, type ValidateReport } from './format-validate-report.js';
import type { CliIO, Command } from './main.js';

interface ValidateArgs {
  paths: string[];
  json: boolean;
  catalogFile?: string;
}

function parseArgs(args: string[]): ValidateArgs | string {
  const parsed: ValidateArgs = { paths: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') parsed.json = true;
    else if (arg === '--catalog') {
      const file = args[++i];
      if (file === undefined || file.startsWith('--')) return '--catalog needs a file: --catalog <catalog.json>';
      parsed.catalogFile = file;
    } else if (arg.startsWith('--catalog=')) parsed.catalogFile = arg.slice('--catalog='.length);
    else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
    else parsed.paths.push(arg);
  }
  if (parsed.paths.length === 0) return 'give at least one flow file or folder, e.g. `parley validate flows`';
  return parsed;
}

async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`parley validate: ${parsed}\n\nUsage: ${validateCommand.usage}`);
    return 2;
  }

  let lintCatalog;
  try {
    lintCatalog = await loadLintCatalog(parsed.catalogFile !== undefined ? { catalogFile: parsed.catalogFile } : {});
  } catch (error) {
    io.err(`parley validate: ${isParleyError(error) ? error.message : String(error)}`);
    return 2;
  }

  const found = await findFlowFiles(parsed.paths);
  const report: ValidateReport = { files: [], problems: [...found.problems], notes: lintCatalog.notes };
  for (const file of found.files) {
    if (isFlowTestFileName(path.basename(file))) {
      // Named on the command line (folders skip them): a flow test is not a flow.
      report.notes.push(`${file} is a flow test, not a flow: \`parley test ${file}\` checks and runs it.`);
      continue;
    }
    try {
      const loaded = await loadFlowFile(file);
      report.files.push({ file, findings: lintFlow(loaded, { catalog: lintCatalog.catalog }).findings });
    } catch (error) {
      if (!isParleyError(error) || error.code !== 'IO') throw error;
      report.problems.push({ path: file, message: error.message.replace(/^cannot read [^:]*: /, '') });
    }
  }

  if (parsed.json) io.out(JSON.stringify(validateReportJson(report), null, 2));
  else io.out(formatValidateReport(report, { color: io.color ?? false }));
  return exitCodeOf(report);
}

export const validateCommand: Command = {
  summary: 'Check flow files (YAML or JSON) and explain what is wrong, with file:line:column.',
  usage: [
    'parley validate <file or folder>... [--json] [--catalog <catalog.json>]',
    '',
    '  Folders are searched for *.yaml, *.yml and *.json (flow tests, *.test.yaml, are skipped).',
    '  --json             print a machine-readable report',
    '  --catalog <file>   check connector operations against this catalog (as GET /api/connectors serves it)',
    '',
    '  Exit status: 0 no errors (warnings allowed), 1 a flow has errors, 2 usage or I/O error.',
  ].join('\n'),
  run,
};
