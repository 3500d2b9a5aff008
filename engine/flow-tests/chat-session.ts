/**
 * A conversation with a flow, one turn at a time, for `parley chat`: the same
 * call a flow test runs — a fresh engine and store (startCaseCall), the fake
 * realtime server as the model, the Twilio call simulator as the phone, on a
 * call clock (CallDriver) — but the turns come from a person as they go. The
 * person plays both sides: what the caller does, and what the model does in
 * the responses the engine asks for (ModelPlayer, as in a test case's
 * `agent`). What the engine told the model — its instructions and tools — is
 * read from the responses it asks for.
 */
import type { CallEvent } from '../store/call-event.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../testing/fake-realtime-server.js';
import type { Flow } from '../types/flow.generated.js';
import { CallClock } from './call-clock.js';
import { CallDriver } from './call-driver.js';
import { ModelPlayer } from './model-player.js';
import { describeCallerStep, type CallerStep, type ModelStep, type PreparedCase, type PreparedTurn } from './prepare-flow-tests.js';
import { startCaseCall, type CaseCall } from './start-case-call.js';

/** What the engine last told the model: the stage's instructions and the functions offered. */
export interface ModelView {
  instructions: string;
  tools: Array<{ name: string; description: string; parameters?: unknown }>;
}

/** One turn's result. */
export interface ChatTurnResult {
  /** Call events recorded during the turn, in order. */
  events: CallEvent[];
  /** Model actions no response took (the engine asked for fewer responses). */
  unused: ModelStep[];
  over: boolean;
}

export interface ChatSession {
  readonly callId: string;
  /** The call's stage, context and status, now. */
  readonly state: { stage: string | null; context: Readonly<Record<string, unknown>>; status: string };
  readonly model: ModelView;
  readonly over: boolean;
  /** Events recorded since the call started (the first words, onStart tools). */
  readonly opening: CallEvent[];
  /** Plays one turn: the caller's action (if any) and the model's actions for the responses it triggers. */
  turn(caller: CallerStep | undefined, agent: ModelStep[]): Promise<ChatTurnResult>;
  /** Hangs up (if the call still runs) and returns the last events (onEnd, the outcome). */
  hangUp(): Promise<CallEvent[]>;
  close(): Promise<void>;
}

/** Starts a chat call of a flow: `testCase` gives its direction, numbers, time, context and seeds (no turns). */
export async function startChatSession(flow: Flow, testCase: PreparedCase): Promise<ChatSession> {
  const clock = new CallClock(testCase.now !== undefined ? Date.parse(testCase.now) : Date.now());
  const player = new ModelPlayer();
  const transcripts: string[] = [];
  const model: ModelView = { instructions: '', tools: [] };
  let realtime: FakeRealtimeServer | undefined;
  let call: CaseCall | undefined;
  try {
    realtime = await createFakeRealtimeServer({
      responder: (ctx) => {
        // A "say exactly this" response carries its own instructions; keep the stage's.
        if (ctx.request?.tool_choice !== 'none') {
          model.instructions = ctx.session.instructions;
          model.tools = ctx.session.tools.map((tool) => ({ name: tool.name ?? '?', description: tool.description ?? '', parameters: tool.parameters }));
        }
        return player.respond(ctx);
      },
      outOfBandResponder: (ctx) => player.respondOutOfBand(ctx),
      transcribe: ({ index }) => transcripts[index] ?? '',
    });
    call = await startCaseCall({
      flow,
      testCase,
      model: { url: realtime.url, apiKey: 'sk-parley-chat' },
      clock,
      timers: clock,
      pacing: { mode: 'manual' },
      onSimulator: (simulator) => clock.attach(simulator),
    });
  } catch (error) {
    await call?.close().catch(() => undefined);
    await realtime?.close().catch(() => undefined);
    throw error;
  }
  const { session, callId } = call;
  const driver = new CallDriver(session, call.simulator, clock);
  const calls = call.engine.repositories.calls;
  let afterSeq = 0;
  const readEvents = async (): Promise<CallEvent[]> => {
    await session.flushRecord();
    const page = await calls.listEvents(callId, { afterSeq });
    if (page.items.length > 0) afterSeq = page.items.at(-1)!.seq;
    return page.items;
  };
  let index = 0;
  await driver.settle('the start of the call');
  const opening = await readEvents();
  const opened = call;
  const server = realtime;

  return {
    callId,
    get state() {
      const flowState = session.flowState;
      return { stage: flowState.stage, context: flowState.context as Record<string, unknown>, status: session.status };
    },
    model,
    get over() {
      return driver.over;
    },
    opening,
    async turn(caller, agent) {
      const turn: PreparedTurn = { index: index++, pointer: '', agent, label: describeCallerStep(caller), ...(caller ? { caller } : {}) };
      player.begin(turn);
      switch (caller?.kind) {
        case 'says':
          transcripts.push(caller.heardAs ?? caller.text);
          driver.say(caller.text);
          break;
        case 'presses':
          driver.press(caller.digits);
          break;
        case 'silence':
          driver.silence(caller.ms);
          break;
        case 'hangsUp':
          await driver.hangUp();
          break;
        case undefined:
          break;
      }
      await driver.settle(`turn ${turn.index + 1} (${turn.label})`);
      if (driver.over) await driver.finished();
      const unused = player.end();
      return { events: await readEvents(), unused, over: driver.over };
    },
    async hangUp() {
      if (!driver.over) await driver.hangUp();
      await driver.finished();
      return readEvents();
    },
    async close() {
      await opened.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}
