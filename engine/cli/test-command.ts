/**
 * `parley test [paths] [--json]`: runs flow tests (`*.test.yaml` beside the
 * flows) offline through the real engine, with the fake realtime server as
 * the model and the Twilio call simulator as the phone, and prints each
 * case's result, failures with `file:line:column`, and coverage per flow.
 * Exit 0 when every case passes, 1 when one fails or a test file has errors,
 * 2 on usage or I/O errors — as `parley validate`.
 */
import { isParleyError } from '../errors/parley-error.js';
import type { CliIO, Command } from './main.js';

/** Parsed arguments. */
export interface TestArgs {
  paths: string[];
  json: boolean;
  filter?: string;
  concurrency: number;
  generate: boolean;
  live: boolean;
  repeat: number;
  /** `--timeout`: a live run's time limit, ms (when its case gives no `live.maxDuration`). */
  timeoutMs?: number;
  /** `--min-pass-rate`: the share of a live case's runs that must pass (0 to 1). */
  minPassRate: number;
}

const USAGE = [
  'parley test [file or folder]... [--json] [-t <text>] [--concurrency <n>]',
  'parley test --generate [flow]...',
  'parley test --live [file or folder]... [--repeat <n>] [--min-pass-rate <r>] [--timeout <t>] [-t <text>]',
  '',
  '  Runs the flow tests (*.test.yaml beside the flows; a flow file named stands for its test file).',
  '  Default path: flows.',
  '  --json             print a machine-readable report',
  '  -t, --filter <t>   only cases whose name contains <t>',
  '  --concurrency <n>  cases run at once (default 2)',
  '  --generate         write a skeleton case for every transition no case covers yet (into <flow>.test.yaml)',
  '  --live             play each case\'s `live` caller against the real model (needs OPENAI_API_KEY)',
  '  --repeat <n>       with --live: run each case n times and report the pass rate',
  '  --min-pass-rate <r> with --live: share of runs a case must pass, 0-1 or a percentage (default 1: all)',
  '  --timeout <t>      with --live: time limit of a run whose case sets no live.maxDuration (default 180s)',
  '',
  '  Exit status: 0 all cases pass, 1 a case fails or a test file has errors, 2 usage or I/O error.',
].join('\n');

/** Reads the command line; a string is a usage error. */
export function parseTestArgs(args: readonly string[]): TestArgs | string {
  const parsed: TestArgs = { paths: [], json: false, concurrency: 2, generate: false, live: false, repeat: 1, minPassRate: 1 };
  const value = (i: number, option: string): string | undefined => {
    const next = args[i + 1];
    return next === undefined || next.startsWith('-') ? undefined : next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [option, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    switch (option) {
      case '--json':
        parsed.json = true;
        break;
      case '--generate':
        parsed.generate = true;
        break;
      case '--live':
        parsed.live = true;
        break;
      case '-t':
      case '--filter': {
        const text = inline ?? value(i, option);
        if (text === undefined) return `${option} needs a text: ${option} "books a visit"`;
        if (inline === undefined) i++;
        parsed.filter = text;
        break;
      }
      case '--concurrency':
      case '--repeat': {
        const text = inline ?? value(i, option);
        const n = Number(text);
        if (text === undefined || !Number.isInteger(n) || n < 1 || n > (option === '--repeat' ? 100 : 16)) return `${option} needs a whole number from 1 to ${option === '--repeat' ? 100 : 16}`;
        if (inline === undefined) i++;
        if (option === '--repeat') parsed.repeat = n;
        else parsed.concurrency = n;
        break;
      }
      case '--timeout': {
        const text = inline ?? value(i, option);
        const match = text === undefined ? null : /^(\d+)(ms|s|m)?$/.exec(text);
        const ms = match ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000) : Number.NaN;
        if (!(ms >= 1000 && ms <= 3_600_000)) return `${option} needs a duration from 1s to 60m: ${option} 90s, ${option} 5m (a bare number is seconds)`;
        if (inline === undefined) i++;
        parsed.timeoutMs = ms;
        break;
      }
      case '--min-pass-rate': {
        const text = inline ?? value(i, option);
        const n = text === undefined ? Number.NaN : text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
        if (text === undefined || text.trim() === '' || !(n >= 0 && n <= 1)) return `${option} needs a share of runs from 0 to 1, or a percentage: ${option} 0.8, ${option} 80%`;
        if (inline === undefined) i++;
        parsed.minPassRate = n;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
        parsed.paths.push(arg);
    }
  }
  if (parsed.generate && parsed.live) return '--generate and --live do not go together';
  if (parsed.repeat > 1 && !parsed.live) return '--repeat is for --live runs (offline runs are deterministic)';
  if (!parsed.live && (parsed.timeoutMs !== undefined || args.some((arg) => arg.startsWith('--min-pass-rate')))) return '--timeout and --min-pass-rate are for --live runs';
  if (parsed.paths.length === 0) parsed.paths.push('flows');
  return parsed;
}

async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseTestArgs(args);
  if (typeof parsed === 'string') {
    io.err(`parley test: ${parsed}\n\nUsage: ${USAGE}`);
    return 2;
  }
  try {
    // GENERATE
    if (parsed.generate) return await (await import('./generate-tests.js')).runGenerate(parsed, io);
    // LIVE
    if (parsed.live) return await (await import('./live-test-command.js')).runLive(parsed, io);
    return await runOffline(parsed, io);
  } catch (error) {
    if (isParleyError(error) && (error.kind === 'user' || error.code === 'IO')) {
      io.err(`parley test: ${error.message}\nhint: ${error.hint}`);
      return 2;
    }
    throw error;
  }
}

async function runOffline(parsed: TestArgs, io: CliIO): Promise<number> {
  const { runFlowTests } = await import('../flow-tests/run-flow-tests.js');
  const { formatCaseLine, formatTestReport, testReportJson } = await import('./format-test-report.js');
  const { testExitCode } = await import('../flow-tests/flow-test-results.js');
  const color = io.color ?? false;
  const paint = color ? (style: 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold', text: string) => `\u001b[${{ red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 }[style]}m${text}\u001b[0m` : undefined;
  const report = await runFlowTests(parsed.paths, {
    concurrency: parsed.concurrency,
    ...(parsed.filter !== undefined ? { caseFilter: parsed.filter } : {}),
    // Case lines as cases finish, so a long run shows progress.
    ...(parsed.json ? {} : { onCase: (file: string, result: Parameters<typeof formatCaseLine>[1]) => io.out(formatCaseLine(file, result, paint)) }),
  });
  if (parsed.json) io.out(JSON.stringify(testReportJson(report), null, 2));
  else io.out(`\n${formatTestReport(report, { color })}`);
  return testExitCode(report);
}

export const testCommand: Command = {
  summary: 'Run flow tests (*.test.yaml) offline through the real engine and report coverage; --generate writes skeleton cases, --live uses the real model.',
  usage: USAGE,
  run,
};
