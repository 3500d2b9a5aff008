/**
 * `parley test --live`: plays each case's `live` caller against the real
 * model. Needs OPENAI_API_KEY (without it: exit 2 before anything connects);
 * the engine's model and the simulated caller both go to OPENAI_REALTIME_URL
 * (default OpenAI's). The caller's model is the flow's unless
 * PARLEY_LIVE_CALLER_MODEL names another; its voice is `ash` unless
 * PARLEY_LIVE_CALLER_VOICE names another.
 *
 * Exit 0 when every live case's pass rate reaches `--min-pass-rate`
 * (default 1: every run passed), 1 when one does not or a test file has
 * errors, 2 on usage or I/O errors or without a key.
 */
import { loadConfig } from '../config/load-config.js';
import { ParleyError } from '../errors/parley-error.js';
import type { CliIO } from './main.js';
import type { TestArgs } from './test-command.js';

/** What the command reads from its surroundings; tests pass their own. */
export interface LiveCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Call time per wall-clock time (tests against the fake realtime server run faster than a phone call). Default 1. */
  speed?: number;
}

/** Runs the live cases; returns the exit code. */
export async function runLive(parsed: TestArgs, io: CliIO, options: LiveCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) {
    const error = new ParleyError('FLOW_TEST_LIVE_NO_KEY', 'OPENAI_API_KEY is not set: live runs talk to the OpenAI Realtime API (two sessions per run: the agent and the simulated caller).');
    io.err(`parley test --live: ${error.message} [${error.code}]\nhint: ${error.hint}`);
    return 2;
  }
  // The engine loads only once there is a key to run it with.
  const { runLiveFlowTests } = await import('../flow-tests/run-live-flow-tests.js');
  const { liveExitCode } = await import('../flow-tests/live-run-results.js');
  const { formatLiveReport, formatRunLine, liveReportJson } = await import('./format-live-report.js');
  const config = loadConfig({ OPENAI_REALTIME_URL: env.OPENAI_REALTIME_URL, PARLEY_FLOWS_DIR: '' });
  const color = io.color ?? false;
  const paint = color ? (style: 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold', text: string) => `\u001b[${{ red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 }[style]}m${text}\u001b[0m` : undefined;
  const report = await runLiveFlowTests(parsed.paths, {
    model: {
      url: config.openai.realtimeUrl,
      apiKey,
      ...(env.PARLEY_LIVE_CALLER_MODEL ? { callerModel: env.PARLEY_LIVE_CALLER_MODEL } : {}),
      ...(env.PARLEY_LIVE_CALLER_VOICE ? { callerVoice: env.PARLEY_LIVE_CALLER_VOICE } : {}),
    },
    repeat: parsed.repeat,
    minPassRate: parsed.minPassRate,
    concurrency: parsed.concurrency,
    ...(parsed.filter !== undefined ? { caseFilter: parsed.filter } : {}),
    ...(parsed.timeoutMs !== undefined ? { timeoutMs: parsed.timeoutMs } : {}),
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    // Run lines as runs finish: a live run takes as long as a phone call.
    ...(parsed.json ? {} : { onRun: (file: string, name: string, run: Parameters<typeof formatRunLine>[2]) => io.out(formatRunLine(file, name, run, parsed.repeat, paint)) }),
  });
  if (parsed.json) io.out(JSON.stringify(liveReportJson(report), null, 2));
  else io.out(`\n${formatLiveReport(report, { color })}`);
  return liveExitCode(report);
}
