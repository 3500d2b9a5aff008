/**
 * `parley test --live` without the network: the project's fake realtime
 * server stands in for both the agent's model and the simulated caller's
 * (told apart by the caller's one function, `end_call`). The caller's speech
 * is the fake's synthetic audio, heard by the engine's session through the
 * Twilio call simulator; the agent's audio reaches the caller's session
 * through the simulator's earpiece; both sides' server VAD decides turns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runLive } from '../../engine/cli/live-test-command.js';
import { parseTestArgs, type TestArgs } from '../../engine/cli/test-command.js';
import { CALLER_END_TOOL } from '../../engine/flow-tests/simulated-caller.js';
import type { ModelTurn, ResponderContext } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import type { LiveRunReport } from '../../engine/flow-tests/live-run-results.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/flow-tests/live');
/** Call time per wall-clock time: the fake answers at once, so the phone call may run faster than real time. */
const SPEED = 5;
/** What the caller says in its turns, in order; also what the agent's session transcribes its turns as. */
const CALLER_LINES = ['I would like to book a visit.', 'Tuesday, please.'];
const GOODBYE = 'Thank you, goodbye!';

/** The simulated caller: its lines in order, then goodbye and hang up. */
function callerTurn(ctx: ResponderContext): ModelTurn {
  const line = CALLER_LINES[ctx.responseIndex];
  return line !== undefined ? { say: line } : { say: GOODBYE, calls: [{ name: CALLER_END_TOOL }] };
}

/** The agent: a line the engine wrote is said as is; otherwise the stage's intent when the caller's words call for it. */
function agentTurn(ctx: ResponderContext): ModelTurn {
  const instructions = typeof ctx.request?.instructions === 'string' ? ctx.request.instructions : '';
  if (ctx.request?.tool_choice === 'none' && instructions.includes('\n')) return { say: instructions.slice(instructions.indexOf('\n') + 1) };
  const heard = ctx.lastCallerTranscript ?? '';
  if (ctx.session.toolNames.includes('wants_visit')) return /book/i.test(heard) ? { calls: [{ name: 'wants_visit' }] } : { say: 'Hi, Acme Dental, how can I help?' };
  if (ctx.session.toolNames.includes('day_chosen')) {
    const day = /(Monday|Tuesday|Wednesday|Thursday|Friday)/.exec(heard)?.[1];
    return day ? { calls: [{ name: 'day_chosen', arguments: { day } }] } : { say: 'Which day suits you?' };
  }
  return { say: 'Okay.' };
}

let realtime: FakeRealtimeServer;

beforeAll(async () => {
  realtime = await createFakeRealtimeServer({
    responder: (ctx) => (ctx.session.toolNames.includes(CALLER_END_TOOL) ? callerTurn(ctx) : agentTurn(ctx)),
    transcribe: ({ index }) => CALLER_LINES[index] ?? GOODBYE,
  });
});

afterAll(async () => {
  await realtime.close();
});

/** Runs `parley test --live <args>` in process against the fake; returns the exit code, what it printed and the JSON report. */
async function live(args: string[]): Promise<{ code: number; out: string; err: string; report?: LiveRunReport }> {
  const parsed = parseTestArgs(['--live', ...args]) as TestArgs;
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLive(parsed, { out: (text) => out.push(text), err: (text) => err.push(text) }, { env: { OPENAI_API_KEY: 'sk-parley-live-test', OPENAI_REALTIME_URL: realtime.url }, speed: SPEED });
  const text = out.join('\n');
  return { code, out: text, err: err.join('\n'), ...(parsed.json ? { report: JSON.parse(text) as LiveRunReport } : {}) };
}

describe('parley test --live (against the fake realtime server)', () => {
  it('plays a live case end to end through both sessions and the bridge, and passes it', async () => {
    const before = realtime.sessions.length;
    const { code, report } = await live([FIXTURES, '-t', 'books a Tuesday', '--json']);
    const result = report!.files[0]!.cases.find((c) => c.name === 'books a Tuesday visit')!;
    const run = result.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(code).toBe(0);
    expect(result).toMatchObject({ status: 'passed', passed: 1, passRate: 1 });
    expect(run.stages).toEqual(['greeting', 'booking', 'closing']);
    // The caller's audio reached the engine and its transcripts are the caller's lines; the agent's words reached the caller.
    expect(run.transcript.filter((line) => line.role === 'caller').map((line) => line.text)).toEqual(CALLER_LINES);
    expect(run.transcript.filter((line) => line.role === 'agent').map((line) => line.text)).toEqual(expect.arrayContaining(['Hi, Acme Dental, how can I help?', 'Which day suits you?', 'You are booked for Tuesday. Goodbye!']));
    expect(run.callerTurns).toBeGreaterThanOrEqual(2);
    // Two sessions per run: the engine's and the caller's, the caller's with its persona, audio/pcmu and server VAD.
    const sessions = realtime.sessions.slice(before);
    expect(sessions).toHaveLength(2);
    const callerSession = sessions.find((s) => s.settings.toolNames.includes(CALLER_END_TOOL))!;
    expect(callerSession.settings).toMatchObject({ inputFormat: 'audio/pcmu', outputFormat: 'audio/pcmu', turnDetection: { type: 'server_vad', create_response: true, interrupt_response: false } });
    expect(callerSession.settings.instructions).toContain('Sam Lee, a patient of Acme Dental');
    expect(callerSession.settings.instructions).toContain('Book a visit on Tuesday');
    // It heard the greeting and the question (its VAD made turns of them); the engine hung up after the closing line.
    expect(callerSession.callerTurns).toBeGreaterThanOrEqual(2);
    expect(run.stoppedBy).toBe('call-ended');
  });

  it('reports a live.expect that does not hold, with where it is written, and exits 1', async () => {
    const { code, out } = await live([FIXTURES, '-t', 'expects Friday']);
    if (process.env.SHOW_LIVE_REPORT) console.log(out);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ .*live-desk\.test\.yaml {2}expects Friday but the caller wants Tuesday/);
    expect(out).toContain('Failed runs');
    expect(out).toMatch(/live-desk\.test\.yaml:\d+:\d+ {2}outcome `day` expected "Friday", got "Tuesday" {2}\[FLOW_TEST_EXPECTATION\]/);
    expect(out).toContain('CALLER Tuesday, please.');
    expect(out).toMatch(/expects Friday but the caller wants Tuesday\s+0\/1\s+0%/);
  });

  // Six whole calls, each paced in (sped-up) real time.
  it('--repeat 3 plays each live case three times and reports the pass rate; cases without live are skipped', { timeout: 90_000 }, async () => {
    const { code, out, report } = await live([FIXTURES, '--repeat', '3', '--min-pass-rate', '0.5', '--json']);
    const cases = report!.files[0]!.cases;
    const booked = cases.find((c) => c.name === 'books a Tuesday visit')!;
    expect(booked.runs.map((r) => r.run)).toEqual([1, 2, 3]);
    expect(booked).toMatchObject({ status: 'passed', passed: 3, passRate: 1 });
    expect(cases.find((c) => c.name === 'expects Friday but the caller wants Tuesday')).toMatchObject({ status: 'failed', passed: 0, passRate: 0 });
    expect(cases.find((c) => c.name === 'has no live caller')).toMatchObject({ status: 'skipped', skipReason: expect.stringContaining('no `live` section'), runs: [] });
    expect(report).toMatchObject({ repeat: 3, minPassRate: 0.5, counts: { runs: 6, runsPassed: 3, passed: 1, failed: 1, skipped: 1 } });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toHaveProperty('exitCode', 1);
  });

  it('without OPENAI_API_KEY exits 2 with what to set, before connecting anywhere', async () => {
    const before = realtime.sessions.length;
    const err: string[] = [];
    const code = await runLive(parseTestArgs(['--live', FIXTURES]) as TestArgs, { out: () => undefined, err: (text) => err.push(text) }, { env: { OPENAI_REALTIME_URL: realtime.url } });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/OPENAI_API_KEY is not set.*\[FLOW_TEST_LIVE_NO_KEY\]\nhint: Set OPENAI_API_KEY/s);
    expect(realtime.sessions.length).toBe(before);
    expect(realtime.rejectedConnections).toHaveLength(0);
  });
});

describe('parseTestArgs: live options', () => {
  it('reads --timeout and --min-pass-rate', () => {
    expect(parseTestArgs(['--live', '--timeout', '90s', '--min-pass-rate', '80%'])).toMatchObject({ live: true, timeoutMs: 90_000, minPassRate: 0.8 });
    expect(parseTestArgs(['--live', '--timeout=5m', '--min-pass-rate=0.5'])).toMatchObject({ timeoutMs: 300_000, minPassRate: 0.5 });
    expect(parseTestArgs(['--live', '--timeout', '120'])).toMatchObject({ timeoutMs: 120_000 });
    expect(parseTestArgs(['--live'])).toMatchObject({ minPassRate: 1 });
  });

  it('refuses bad values and live options without --live', () => {
    expect(parseTestArgs(['--live', '--min-pass-rate', '2'])).toMatch(/from 0 to 1/);
    expect(parseTestArgs(['--live', '--timeout', 'soon'])).toMatch(/duration/);
    expect(parseTestArgs(['--timeout', '90s'])).toMatch(/for --live runs/);
    expect(parseTestArgs(['--min-pass-rate', '0.5'])).toMatch(/for --live runs/);
  });
});
