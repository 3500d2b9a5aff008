/**
 * One run of a case's `live` caller: the real engine started exactly as an
 * offline case starts it (startCaseCall: same store, seeds, setup, now,
 * faults, connectors, the Twilio call simulator as the phone), but with its
 * model session on the real Realtime API (or whatever `url` names), and a
 * simulated caller — a second realtime session with the case's persona and
 * goal — on the phone. The two are bridged through the simulator:
 *
 *   engine ──media──▶ simulator playback ──earpiece, 20 ms frames──▶ caller session input
 *   caller session audio ──whole 20 ms frames──▶ simulator ──media at Twilio's cadence──▶ engine
 *
 * The run stops when the call ends, when the caller hangs up (`end_call`:
 * its goal is reached or cannot be), after `maxTurns` caller turns, or at the
 * time limit; a call still going is then hung up by the caller, so the
 * flow's `onEnd` runs and the outcome exists. Then `live.expect` is checked
 * over the whole call with the offline runner's expectation code.
 */
import { describeCallEvent } from '../cli/describe-call-event.js';
import type { ErrorCode } from '../errors/catalog.js';
import { isParleyError } from '../errors/parley-error.js';
import { durationMs as parseDuration } from '../flow/flow-model.js';
import type { CallEvent } from '../store/call-event.js';
import type { Flow } from '../types/flow.generated.js';
import { CallClock } from './call-clock.js';
import { checkExpectations } from './check-expectations.js';
import type { CaseFailure } from './flow-test-results.js';
import type { LiveRunResult, LiveStop } from './live-run-results.js';
import type { LoadedFlowTest } from './load-flow-test-file.js';
import type { PreparedCase } from './prepare-flow-tests.js';
import { SimulatedCaller, type CallerDone } from './simulated-caller.js';
import { startCaseCall, type CaseCall } from './start-case-call.js';

/** Caller turns before the caller gives up, when the case does not say (`live.maxTurns`). */
export const DEFAULT_MAX_TURNS = 12;
/** Call time a run may last when neither the case (`live.maxDuration`) nor `--timeout` says. */
export const DEFAULT_LIVE_TIMEOUT_MS = 180_000;
/** If the agent has said nothing this long after the call connects, the caller speaks first. */
export const CALLER_OPENS_AFTER_MS = 4000;
/** Silence between the caller's last words and its hang-up. */
const HANG_UP_PAUSE_MS = 500;
/** Wall-clock bound on the engine finishing the call's record after it ended. */
const FINISH_TIMEOUT_MS = 20_000;

/** Where the two model sessions go. */
export interface LiveModelOptions {
  /** `OPENAI_REALTIME_URL`, without the model. */
  url: string;
  apiKey: string;
  /** The caller's model; default the flow's (`agent.model`, else `gpt-realtime`). */
  callerModel?: string;
  /** The caller's voice; default `ash` (the agent's default is `marin`). */
  callerVoice?: string;
}

/** How a live run goes. */
export interface LiveRunOptions {
  model: LiveModelOptions;
  /** 1-based number of this run, for the result. */
  run: number;
  /** Time limit (call time) when the case gives no `live.maxDuration`. Default 180 s. */
  timeoutMs?: number;
  /**
   * Call time per wall-clock time. 1 against the real API (a phone call runs
   * in real time); tests against the fake realtime server run faster.
   */
  speed?: number;
}

/** Runs a case's live caller once; never throws (a run that breaks is a failed run). */
export async function runLiveCase(flow: Flow, testCase: PreparedCase, test: LoadedFlowTest, options: LiveRunOptions): Promise<LiveRunResult> {
  const startedAt = performance.now();
  const live = testCase.live!;
  const pointer = `${testCase.pointer}/live`;
  const result: LiveRunResult = { run: options.run, status: 'passed', stoppedBy: 'error', failures: [], callerTurns: 0, stages: [], transcript: [], callMs: 0, durationMs: 0 };
  const failure = (code: ErrorCode, message: string, extra: Partial<CaseFailure> = {}): CaseFailure => {
    const position = extra.pointer !== undefined ? test.anchorOf(extra.pointer) : undefined;
    return { code, message, ...extra, ...(position ? { position } : {}) };
  };

  const clock = new CallClock(testCase.now !== undefined ? Date.parse(testCase.now) : Date.now());
  const limitMs = live.maxDuration !== undefined ? parseDuration(live.maxDuration) : (options.timeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS);
  const maxTurns = live.maxTurns ?? DEFAULT_MAX_TURNS;
  let call: CaseCall | undefined;
  let speech: Promise<void> = Promise.resolve();
  const caller = new SimulatedCaller({
    url: options.model.url,
    apiKey: options.model.apiKey,
    model: options.model.callerModel ?? flow.agent.model ?? 'gpt-realtime',
    voice: options.model.callerVoice ?? 'ash',
    brief: { persona: live.persona, goal: live.goal, direction: testCase.direction, ...(testCase.now ? { today: testCase.now.slice(0, 10) } : {}) },
    // Queued in order; the last one resolves once everything the caller said has been sent.
    onSpeech: (audio) => {
      if (call) speech = call.simulator.sendAudio(audio);
    },
  });
  try {
    // 1. The caller's session first, so it hears the agent's first words.
    try {
      await caller.connect();
    } catch (error) {
      throw new LiveRunError(`the simulated caller's realtime session could not start: ${(error as Error).message}`);
    }

    // 2. The call, as offline, with the engine's model on `url` and the simulator in real time.
    call = await startCaseCall({
      flow,
      testCase,
      model: { url: options.model.url, apiKey: options.model.apiKey },
      clock,
      pacing: { mode: 'realtime', speed: options.speed ?? 1 },
      onSimulator: (simulator) => {
        clock.attach(simulator);
        simulator.onHeard((frame) => caller.hear(frame));
      },
    });
    const { session, simulator } = call;

    // 3. Talk until one side is done.
    const over = () => session.status === 'ending' || session.status === 'ended';
    const callEnded = Promise.race([simulator.closed, session.done]).then((): LiveStop => 'call-ended');
    const timeLimit = simulator.pause(limitMs).then(
      (): LiveStop => 'time-limit',
      () => new Promise<LiveStop>(() => undefined),
    );
    let callerFailure: string | undefined;
    const callerDone = caller.whenDone.then((done: CallerDone): LiveStop => {
      if (done.reason === 'goal') return 'caller-done';
      callerFailure = done.message;
      return 'error';
    });
    const turnsUsed = caller.whenTurns(maxTurns).then((): LiveStop => 'max-turns');
    void simulator.pause(CALLER_OPENS_AFTER_MS).then(
      () => {
        if (!caller.heardSpeech && caller.turns === 0) caller.speakFirst();
      },
      () => undefined,
    );
    result.stoppedBy = await Promise.race([callEnded, callerDone, timeLimit, turnsUsed]);
    if (result.stoppedBy === 'error') throw new LiveRunError(callerFailure ?? 'the simulated caller stopped');

    // 4. A call still going: the caller finishes its words and hangs up.
    if (!over()) {
      await Promise.race([speech, simulator.closed]);
      if (!over()) await simulator.pause(HANG_UP_PAUSE_MS).catch(() => undefined);
      await simulator.hangUp();
    }
    await Promise.race([session.done, new Promise((resolve) => setTimeout(resolve, FINISH_TIMEOUT_MS).unref())]);
    await session.flushRecord();

    // 5. The expectations, over the whole call.
    const calls = call.engine.repositories.calls;
    const events = (await calls.listEvents(call.callId)).items;
    const connectors = call.connectors;
    const failed = await checkExpectations(live.expect ?? {}, {
      events,
      sms: call.twilioRest.messages,
      flow: session.flowState,
      record: await calls.get(call.callId),
      invoke: (use, input) => connectors.invoke(use, input),
    });
    for (const item of failed) {
      result.failures.push(failure('FLOW_TEST_EXPECTATION', item.message, { stage: session.flowState.stage, expected: item.expected, actual: item.actual, pointer: `${pointer}/expect${item.pointer}` }));
    }
    collect(result, events);
  } catch (error) {
    result.stoppedBy = 'error';
    const message = error instanceof LiveRunError || isParleyError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    const code: ErrorCode = isParleyError(error) && error.code === 'FLOW_TEST_SETUP_FAILED' ? 'FLOW_TEST_SETUP_FAILED' : 'FLOW_TEST_CALL_FAILED';
    result.failures.push(failure(code, message, { pointer, ...(call ? { stage: call.session.flowState.stage } : {}) }));
    if (call) {
      const events = await call.engine.repositories.calls.listEvents(call.callId).then((page) => page.items, () => [] as CallEvent[]);
      collect(result, events);
    }
  } finally {
    caller.close();
    result.callerTurns = caller.turns;
    result.callMs = Math.round(call?.simulator.now ?? 0);
    await call?.close().catch(() => undefined);
  }
  result.status = result.failures.length > 0 ? 'failed' : 'passed';
  if (result.status === 'passed') delete result.timeline;
  result.durationMs = Math.round(performance.now() - startedAt);
  return result;
}

/** A run that broke for a reason worth saying in a sentence (no stack). */
class LiveRunError extends Error {}

/** Stages, transcript and timeline from the call's events. */
function collect(result: LiveRunResult, events: readonly CallEvent[]): void {
  for (const event of events) {
    if (event.kind === 'transition') result.stages.push(event.data.to);
    if (event.kind === 'transcript' && event.data.text.trim()) result.transcript.push({ role: event.data.role, text: event.data.text });
  }
  result.timeline = events.flatMap((event) => describeCallEvent(event) ?? []);
}
