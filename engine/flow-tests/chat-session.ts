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
import type { Flow } from '../types/flow.generated.js';
import { describeCallerStep, type CallerStep, type ModelStep, type PreparedCase, type PreparedTurn } from './prepare-flow-tests.js';
import { startPlayedCall } from './played-call.js';

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
  const model: ModelView = { instructions: '', tools: [] };
  const played = await startPlayedCall(flow, testCase, {
    onResponse: (context) => {
      // A "say exactly this" response carries its own instructions; keep the stage's.
      if (context.request?.tool_choice === 'none') return;
      model.instructions = context.session.instructions;
      model.tools = context.session.tools.map((tool) => ({ name: tool.name ?? '?', description: tool.description ?? '', parameters: tool.parameters }));
    },
  });
  const { call, player, driver, readEvents } = played;
  const { session, callId } = call;
  let index = 0;
  await driver.settle('the start of the call');
  const opening = await readEvents();

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
      await played.callerActs(caller);
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
    close: () => played.close(),
  };
}
