/**
 * A conversation script: what the model does and what the caller says, in
 * order, shared by the fake realtime server and the Twilio call simulator.
 *
 *     const script = createConversationScript([
 *       agent.says('Hi, this is Sophia from Jefferson Dental. Am I speaking with the parent of Tommy?'),
 *       caller.says('Yes, this is Maria, his mom.'),
 *       agent.calls('go_scheduling', { parentName: 'Maria' }),
 *       agent.says('Thanks, Maria! Let me look at the schedule.'),
 *     ]);
 *
 * The fake server plays the agent steps, one per response, in order: every
 * `response.create` (or response the server starts itself after a caller turn)
 * takes the next agent step. Caller lines give the transcripts of the caller's
 * turns: the nth turn the server's VAD detects is transcribed as the nth caller
 * line. The simulator speaks the caller lines (as audio) when their turn comes:
 * after the agent step before them has finished and its audio has played, or,
 * with `interruptAfterMs`, over it.
 */
import { ParleyError } from '../errors/parley-error.js';

/** A function call the model makes. */
export interface ScriptedCall {
  name: string;
  /** Arguments: an object (sent as JSON) or raw text (which may be malformed on purpose). Default `{}`. */
  arguments?: Record<string, unknown> | string;
  /** Default: a fresh `call_…` id. */
  callId?: string;
}

/** How the model (or its connection) fails a turn. */
export type ModelFailure =
  /** An `error` event (`server_error` by default), then `response.done` with status `failed`. */
  | { kind: 'error'; type?: string; code?: string; message?: string; afterAudioMs?: number }
  /** The socket dies without a close frame (the client sees 1006): for reconnect tests. */
  | { kind: 'drop'; afterAudioMs?: number }
  /** The server closes the socket with a close frame. */
  | { kind: 'close'; code?: number; reason?: string; afterAudioMs?: number };

/** How fast the fake sends a response's audio: as fast as it can (like the real API), or in real time (× speed). */
export type AudioPacing = 'fast' | 'realtime' | { speed: number };

/** What the model does in one response. An empty turn is a response with no output. */
export interface ModelTurn {
  /** Spoken text: audio whose length follows the text, with its transcript. */
  say?: string;
  /** Function calls, after the speech, in this order, in the same response. */
  calls?: ScriptedCall[];
  /** Hold the response (after `response.created`, before any output): for `ms`, or until `server.release(gate)`. */
  wait?: number | { gate: string };
  /** Fail the turn: right after `response.created`, or once `afterAudioMs` of audio has been sent. */
  fail?: ModelFailure;
  /** Overrides the server's pacing for this turn. */
  pacing?: AudioPacing;
}

/** What a responder sees when deciding a turn. */
export interface ResponderContext {
  /** The settings the response runs with (the response's own overrides applied). */
  session: {
    instructions: string;
    tools: ReadonlyArray<{ type?: string; name?: string; description?: string; parameters?: unknown }>;
    toolNames: string[];
    voice: string;
    model: string;
    outputModality: 'audio' | 'text';
  };
  /** The conversation so far, oldest first, as the server holds it. */
  conversation: ReadonlyArray<Record<string, unknown>>;
  /** Transcript of the caller's latest turn, if there was one. */
  lastCallerTranscript: string | undefined;
  /** `client`: a `response.create`; `vad`: the server answered a caller turn by itself. */
  trigger: 'client' | 'vad';
  /** The `response` object of the `response.create`, if any. */
  request: Record<string, unknown> | undefined;
  /** 0 for the first response of the session, 1 for the next, … */
  responseIndex: number;
  /** Whether the response is out of band (`conversation: 'none'`). */
  outOfBand: boolean;
}

/** Decides a turn from the session's state. Synchronous, so the fake stays deterministic. */
export type Responder = (context: ResponderContext) => ModelTurn;

/** A model turn in the script. */
export interface AgentStep {
  kind: 'agent';
  turn: ModelTurn | Responder;
  /** Short text for messages, e.g. `agent says "Hi, this is…"`. */
  label: string;
}

/** What the caller does in a caller step. */
export type CallerAction =
  | {
      /** The line the caller speaks (as synthetic speech); also the transcript the fake server gives it. */
      say: string;
      /** Start talking over the agent once this much of the previous agent turn's audio has played (barge-in). */
      interruptAfterMs?: number;
      /** Silence before speaking, after the agent's turn has played. Default 300 ms. */
      pauseBeforeMs?: number;
      /** Transcript the fake server reports instead of `say` (a mishearing). */
      transcript?: string;
      /** The transcription of this line fails (`conversation.item.input_audio_transcription.failed`). */
      transcriptionFails?: boolean;
      /** Loudness of the speech (fraction of full scale). Default 0.2. Quiet lines below the VAD threshold go unheard. */
      level?: number;
    }
  | { dtmf: string; pauseBeforeMs?: number }
  | { hangUp: true; pauseBeforeMs?: number };

/** A caller line (a `say` action). */
export type CallerLine = Extract<CallerAction, { say: string }>;

/** A caller turn in the script. */
export interface CallerStep {
  kind: 'caller';
  action: CallerAction;
  label: string;
}

/** One step of a conversation script. */
export type ScriptStep = AgentStep | CallerStep;

/** Where a step stands. Agent: pending → started → done. Caller line: pending → heard. Keys and hang-up: pending → done. */
export type StepStatus = 'pending' | 'started' | 'done' | 'heard';

/** A change of a step's status, for listeners (the simulator). */
export interface StepProgress {
  index: number;
  step: ScriptStep;
  status: StepStatus;
  /** Response id, for agent steps. */
  responseId?: string;
  /** Final response status (`completed`, `cancelled`, `failed`), for agent steps that are done. */
  responseStatus?: string;
  /** Milliseconds of audio the response sent, for agent steps that are done. */
  audioMs?: number;
}

const preview = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}…` : text);

/** Builders of agent steps. */
export const agent = {
  /** The model says `text`. */
  says(text: string, options: Omit<ModelTurn, 'say'> = {}): AgentStep {
    return { kind: 'agent', turn: { ...options, say: text }, label: `agent says "${preview(text)}"` };
  },
  /** The model calls one function (an intent or a tool). */
  calls(name: string, args: Record<string, unknown> | string = {}, options: Omit<ModelTurn, 'calls'> & { callId?: string } = {}): AgentStep {
    const { callId, ...rest } = options;
    const call: ScriptedCall = { name, arguments: args, ...(callId !== undefined ? { callId } : {}) };
    return { kind: 'agent', turn: { ...rest, calls: [call] }, label: `agent calls ${name}` };
  },
  /** The model calls several functions in one response. */
  callsAll(calls: ScriptedCall[], options: Omit<ModelTurn, 'calls'> = {}): AgentStep {
    return { kind: 'agent', turn: { ...options, calls }, label: `agent calls ${calls.map((c) => c.name).join(', ')}` };
  },
  /** The model says `text`, then calls a function, in one response. */
  saysThenCalls(text: string, name: string, args: Record<string, unknown> | string = {}): AgentStep {
    return { kind: 'agent', turn: { say: text, calls: [{ name, arguments: args }] }, label: `agent says "${preview(text)}" then calls ${name}` };
  },
  /** Any turn, written out. */
  turn(turn: ModelTurn, label = 'agent turn'): AgentStep {
    return { kind: 'agent', turn, label };
  },
  /** The turn is decided when the response starts, from the session's state. */
  responds(responder: Responder, label = 'agent responds'): AgentStep {
    return { kind: 'agent', turn: responder, label };
  },
  /** The response fails with an `error` event. */
  fails(failure: Omit<Extract<ModelFailure, { kind: 'error' }>, 'kind'> = {}): AgentStep {
    return { kind: 'agent', turn: { fail: { kind: 'error', ...failure } }, label: 'agent fails' };
  },
  /** The connection drops during this response (after `afterAudioMs` of `say`, if given). */
  drops(options: { say?: string; afterAudioMs?: number } = {}): AgentStep {
    const fail: ModelFailure = { kind: 'drop', ...(options.afterAudioMs !== undefined ? { afterAudioMs: options.afterAudioMs } : {}) };
    return { kind: 'agent', turn: { ...(options.say !== undefined ? { say: options.say } : {}), fail }, label: 'connection drops' };
  },
};

/** Builders of caller steps. */
export const caller = {
  /** The caller says `text`. */
  says(text: string, options: Omit<CallerLine, 'say'> = {}): CallerStep {
    const label = options.interruptAfterMs !== undefined ? `caller interrupts "${preview(text)}"` : `caller says "${preview(text)}"`;
    return { kind: 'caller', action: { ...options, say: text }, label };
  },
  /** The caller presses keys (one `dtmf` message per digit). */
  presses(digits: string, options: { pauseBeforeMs?: number } = {}): CallerStep {
    return { kind: 'caller', action: { ...options, dtmf: digits }, label: `caller presses ${digits}` };
  },
  /** The caller hangs up (Twilio sends `stop` and closes the stream). */
  hangsUp(options: { pauseBeforeMs?: number } = {}): CallerStep {
    return { kind: 'caller', action: { ...options, hangUp: true }, label: 'caller hangs up' };
  },
};

/** The shared, stateful script: both doubles read and advance it. */
export interface ConversationScript {
  readonly steps: readonly ScriptStep[];
  /** Status of step `index`. */
  status(index: number): StepStatus;
  /** Fake server: the next agent step not yet taken, marked `started`. */
  takeAgentStep(responseId: string): { index: number; step: AgentStep } | undefined;
  /** Fake server: the response of agent step `index` is done, having sent `audioMs` of audio. */
  finishAgentStep(index: number, responseStatus: string, audioMs?: number): void;
  /** Fake server: the next caller line not yet heard, marked `heard`. */
  takeCallerLine(): { index: number; step: CallerStep & { action: CallerLine } } | undefined;
  /** Caller lines before `index` that have not been heard yet. */
  unheardLinesBefore(index: number): number[];
  /** Simulator: mark a key-press or hang-up step done. */
  finishCallerStep(index: number): void;
  /** Whether every agent step has been taken. */
  readonly agentStepsLeft: number;
  /** Calls `listener` on every status change; returns a function that stops it. */
  onProgress(listener: (progress: StepProgress) => void): () => void;
  /** Resolves when step `index` reaches `status` (or a later one). */
  whenStep(index: number, status: 'started' | 'done' | 'heard'): Promise<StepProgress>;
  /** One line per step with its status, for failure messages. */
  describe(): string;
}

const ORDER: Record<StepStatus, number> = { pending: 0, started: 1, heard: 2, done: 2 };

/** Checks the steps and returns the shared script. Throws `TEST_SCRIPT_INVALID` naming a bad step. */
export function createConversationScript(steps: readonly ScriptStep[]): ConversationScript {
  steps.forEach(checkStep);
  const statuses: StepStatus[] = steps.map(() => 'pending');
  const details: Array<Pick<StepProgress, 'responseId' | 'responseStatus' | 'audioMs'>> = steps.map(() => ({}));
  const listeners = new Set<(progress: StepProgress) => void>();
  let nextAgent = 0;
  let nextLine = 0;

  const set = (index: number, status: StepStatus, extra: Pick<StepProgress, 'responseId' | 'responseStatus' | 'audioMs'> = {}) => {
    statuses[index] = status;
    Object.assign(details[index]!, extra);
    const progress: StepProgress = { index, step: steps[index]!, status, ...details[index] };
    for (const listener of listeners) listener(progress);
  };
  const isLine = (step: ScriptStep): step is CallerStep & { action: CallerLine } => step.kind === 'caller' && 'say' in step.action;

  return {
    steps,
    status: (index) => statuses[index] ?? 'pending',
    takeAgentStep(responseId) {
      while (nextAgent < steps.length && steps[nextAgent]!.kind !== 'agent') nextAgent++;
      if (nextAgent >= steps.length) return undefined;
      const index = nextAgent++;
      set(index, 'started', { responseId });
      return { index, step: steps[index] as AgentStep };
    },
    finishAgentStep(index, responseStatus, audioMs = 0) {
      set(index, 'done', { responseStatus, audioMs });
    },
    takeCallerLine() {
      while (nextLine < steps.length && !isLine(steps[nextLine]!)) nextLine++;
      if (nextLine >= steps.length) return undefined;
      const index = nextLine++;
      set(index, 'heard');
      return { index, step: steps[index] as CallerStep & { action: CallerLine } };
    },
    unheardLinesBefore(index) {
      const unheard: number[] = [];
      for (let i = 0; i < index; i++) if (isLine(steps[i]!) && statuses[i] !== 'heard') unheard.push(i);
      return unheard;
    },
    finishCallerStep(index) {
      set(index, 'done');
    },
    get agentStepsLeft() {
      let left = 0;
      for (let i = nextAgent; i < steps.length; i++) if (steps[i]!.kind === 'agent') left++;
      return left;
    },
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenStep(index, status) {
      const reached = () => ORDER[statuses[index] ?? 'pending'] >= ORDER[status];
      if (reached()) return Promise.resolve({ index, step: steps[index]!, status: statuses[index]!, ...details[index] });
      return new Promise((resolve) => {
        const stop = this.onProgress((progress) => {
          if (progress.index === index && reached()) {
            stop();
            resolve(progress);
          }
        });
      });
    },
    describe() {
      return steps.map((step, i) => `  ${i}. [${statuses[i]}] ${step.label}`).join('\n');
    },
  };
}

function checkStep(step: ScriptStep, index: number): void {
  const fail = (why: string): never => {
    throw new ParleyError('TEST_SCRIPT_INVALID', `Script step ${index}: ${why}`, { details: { step: index } });
  };
  if (typeof step !== 'object' || step === null) fail('is not a step; build steps with agent.* and caller.*');
  if (step.kind === 'agent') {
    if (typeof step.turn === 'function') return;
    if (typeof step.turn !== 'object' || step.turn === null) fail('an agent step needs a turn');
    const turn = step.turn;
    if (turn.say !== undefined && typeof turn.say !== 'string') fail('"say" must be text');
    for (const call of turn.calls ?? []) {
      if (typeof call.name !== 'string' || call.name === '') fail('every call needs a function name');
    }
    if (turn.wait !== undefined && !(typeof turn.wait === 'number' ? turn.wait >= 0 : typeof turn.wait?.gate === 'string')) {
      fail('"wait" is a number of milliseconds or { gate: "name" }');
    }
    return;
  }
  if (step.kind === 'caller') {
    const action = step.action as Record<string, unknown>;
    if (typeof action.say === 'string') {
      if (action.say.trim() === '') fail('a caller line needs words');
      return;
    }
    if (typeof action.dtmf === 'string') {
      if (!/^[0-9*#]+$/.test(action.dtmf)) fail(`"${action.dtmf}" is not keypad digits (0-9, *, #)`);
      return;
    }
    if (action.hangUp === true) return;
    fail('a caller step says a line, presses keys or hangs up');
  }
  fail(`unknown kind ${JSON.stringify((step as { kind?: unknown }).kind)}; build steps with agent.* and caller.*`);
}
