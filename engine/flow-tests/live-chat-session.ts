/**
 * A conversation with a flow through the real model, for `parley chat` with
 * OPENAI_API_KEY: the engine started as a live run starts it (startCaseCall,
 * its model session on OPENAI_REALTIME_URL with the key), the Twilio call
 * simulator as the phone leg in real time (the agent's audio plays into it,
 * so marks echo and the record keeps what was heard), and the person's lines
 * as caller turns typed as text (`CallSession.callerText`). Keys go through
 * the simulator as `dtmf`. Timers run on the wall clock, as in a real call.
 *
 * Call events reach `onEvent` as they are stored (the engine's call event
 * bus), the ones recorded before the call was connected included, each once,
 * in order.
 */
import type { CallEvent } from '../store/call-event.js';
import type { Flow } from '../types/flow.generated.js';
import { CallClock } from './call-clock.js';
import type { ModelView } from './chat-session.js';
import type { PreparedCase } from './prepare-flow-tests.js';
import { startCaseCall, type CaseCall } from './start-case-call.js';

/** How long `settle` waits for the call to be quiet before it gives up (the model may be slow). */
export const LIVE_SETTLE_TIMEOUT_MS = 60_000;
/** Re-check of a quiet call: not everything that makes a call busy notifies its signal. */
const IDLE_RECHECK_MS = 250;
/** Bound on the engine finishing the record once the call is over. */
const FINISH_TIMEOUT_MS = 20_000;

/** Where the model is and how fast the phone runs. */
export interface LiveChatOptions {
  /** `OPENAI_REALTIME_URL` (without the model) and the key. */
  model: { url: string; apiKey: string };
  /** Called with every call event as it is stored. */
  onEvent: (event: CallEvent) => void;
  /** Call time per wall-clock time of the phone (agent audio playing). Default 1; tests against the fake server go faster. */
  speed?: number;
  /** Bound of `settle`. Default 60 s. */
  settleTimeoutMs?: number;
}

export interface LiveChatSession {
  readonly callId: string;
  /** The call's stage, context and status, now. */
  readonly state: { stage: string | null; context: Readonly<Record<string, unknown>>; status: string };
  /** What the engine last told the model (the stage's rendered instructions and tools). */
  readonly model: ModelView;
  /** The stage `model` is about: the one the model was last told of (it lags the flow's stage until its `session.update` is sent). */
  readonly modelStage: string | null;
  readonly over: boolean;
  /** Resolves once the call is over and its record written. */
  readonly done: Promise<void>;
  /** The caller says `text` (typed): a caller text turn; resolves once the call is quiet again. */
  say(text: string): Promise<void>;
  /** The caller presses keys; resolves once the engine has them and the call is quiet again. */
  press(digits: string): Promise<void>;
  /** The caller says nothing for `ms` of wall time (timers run), then waits for the call to be quiet. */
  silence(ms: number): Promise<void>;
  /** Until the call waits for the caller (nothing queued, asked for, playing or running) or is over; false when it gave up. */
  settle(): Promise<boolean>;
  /** Hangs up (if the call still runs) and waits (bounded) for its record to be complete. */
  hangUp(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a call of `flow` (direction, numbers, time, context and seeds from `testCase`) with its model on `options.model`. */
export async function startLiveChatSession(flow: Flow, testCase: PreparedCase, options: LiveChatOptions): Promise<LiveChatSession> {
  const clock = new CallClock(testCase.now !== undefined ? Date.parse(testCase.now) : Date.now());
  const call: CaseCall = await startCaseCall({
    flow,
    testCase,
    model: options.model,
    clock,
    pacing: { mode: 'realtime', speed: options.speed ?? 1 },
    onSimulator: (simulator) => clock.attach(simulator),
  });
  const { session, simulator, callId } = call;
  const calls = call.engine.repositories.calls;
  const settleTimeoutMs = options.settleTimeoutMs ?? LIVE_SETTLE_TIMEOUT_MS;

  // Events from the bus once the stored ones before it are out; each once, in order.
  let delivered = 0;
  let replayed = false;
  const early: CallEvent[] = [];
  const deliver = (event: CallEvent) => {
    if (event.seq <= delivered) return;
    delivered = event.seq;
    options.onEvent(event);
  };
  const unsubscribe = call.engine.callEvents.subscribe(callId, (event) => (replayed ? deliver(event) : early.push(event)));
  try {
    for (const event of (await calls.listEvents(callId)).items) deliver(event);
  } catch (error) {
    unsubscribe();
    await call.close().catch(() => undefined);
    throw error;
  }
  replayed = true;
  for (const event of early.sort((a, b) => a.seq - b.seq)) deliver(event);

  const over = () => session.status === 'ending' || session.status === 'ended';
  let expectedDigits = session.heard.digits;
  const settle = async (): Promise<boolean> => {
    const deadline = performance.now() + settleTimeoutMs;
    const quiet = () => over() || (session.heard.digits >= expectedDigits && session.idle);
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await session.signal.until(quiet, Math.min(left, IDLE_RECHECK_MS));
      if (over()) return true;
      if (!quiet()) continue;
      // Quiet across a turn of the event loop: a frame in flight (a key, a mark) gets its chance to land.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (quiet()) return true;
    }
  };
  const finished = async () => {
    await Promise.race([session.done, new Promise((resolve) => setTimeout(resolve, FINISH_TIMEOUT_MS).unref())]);
    await session.flushRecord();
  };

  return {
    callId,
    get state() {
      const flowState = session.flowState;
      return { stage: flowState.stage, context: flowState.context as Record<string, unknown>, status: session.status };
    },
    get model(): ModelView {
      const settings = session.modelSettings;
      return {
        instructions: settings?.instructions ?? '',
        tools: (settings?.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })),
      };
    },
    get modelStage() {
      return session.stage;
    },
    get over() {
      return over();
    },
    done: session.done,
    async say(text) {
      await session.callerText(text);
      await settle();
    },
    async press(digits) {
      expectedDigits += digits.length;
      simulator.pressKeys(digits);
      await settle();
    },
    async silence(ms) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), session.done]);
      await settle();
    },
    settle,
    async hangUp() {
      if (!over()) await simulator.hangUp();
      await finished();
    },
    async close() {
      unsubscribe();
      await call.close().catch(() => undefined);
    },
  };
}
