/**
 * The contract between the flow interpreter and whatever drives it (the live
 * CallSession, flow tests, `parley chat`, the editor's simulator): the events
 * fed in and the effects handed back, in the order they must be carried out.
 *
 * The interpreter owns no sockets and no timers: time enters as `timer` events
 * for the timers it asked for with `timer.start` effects.
 */

export type CallDirection = 'inbound' | 'outbound';

/** The call's own facts, available to the flow as `call.*`. */
export interface CallInfo {
  /** Parley's call id. */
  id: string;
  /** Caller number (E.164) or client id. */
  from: string;
  /** Called number (E.164). */
  to: string;
  direction: CallDirection;
  /** Custom parameters (Twilio `customParameters`, outbound request fields). */
  parameters: Record<string, string>;
  /** ISO 8601. */
  startedAt: string;
}

/** A function tool as the Realtime API takes it in `session.tools`. */
export interface ToolSpec {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One function call the model made in a response. */
export interface ModelCall {
  callId: string;
  name: string;
  /** JSON text as the model sent it, or already parsed. */
  arguments: string | Record<string, unknown>;
}

export type InterpreterEvent =
  /** The model's response finished with these function calls (intents and tools). */
  | { type: 'model.calls'; calls: ModelCall[] }
  /** A `tool.run` effect finished. */
  | { type: 'tool.result'; callId: string; ok: true; result: unknown }
  | { type: 'tool.result'; callId: string; ok: false; error: { code: string; message: string } }
  /** The caller finished a turn; `transcript` is what they said, when known. */
  | { type: 'caller.turn'; transcript?: string }
  /** The caller started speaking (stops silence timers). */
  | { type: 'caller.speechStarted' }
  /** The agent finished speaking and its audio has played (starts silence timers). */
  | { type: 'agent.turnEnded' }
  /** Keypad digits pressed by the caller. */
  | { type: 'dtmf'; digits: string }
  /** A timer started by a `timer.start` effect ran out. */
  | { type: 'timer'; key: string }
  /** The model connection is gone for good; route to `onError`. */
  | { type: 'model.failed'; reason: string }
  /** The call is over (caller hung up, transfer completed, hang-up done). Runs `onEnd`. */
  | { type: 'call.ended'; reason: 'caller-hangup' | 'agent-hangup' | 'transferred' | 'failed' | 'limit' };

/** What changed in the context: path → new value (undefined = removed). */
export type ContextDiff = Record<string, unknown>;

/** What fired a transition, for the call record and the editor's timeline. */
export type TransitionTrigger =
  | { kind: 'start' }
  | { kind: 'intent'; name: string; args: Record<string, unknown> }
  | { kind: 'tool'; tool: string; outcome: 'done' | 'error' }
  | { kind: 'when'; expression: string }
  /** A transition with no trigger and no `when`: it fires as soon as the stage's entry actions are done. */
  | { kind: 'always' }
  | { kind: 'keywords'; matched: string }
  | { kind: 'pattern'; matched: string }
  | { kind: 'dtmf'; digits: string }
  | { kind: 'after'; ms: number }
  | { kind: 'silence'; ms: number }
  | { kind: 'limit'; limit: 'turns' | 'duration' | 'call-duration' | 'silence' }
  | { kind: 'error'; reason: string };

export type Effect =
  /**
   * Stage entry, step 3: send exactly one `session.update` with these, and wait
   * for `session.updated` before carrying out any later `respond`.
   */
  | {
      type: 'session.update';
      stage: string;
      instructions: string;
      tools: ToolSpec[];
      voice: string;
      model: string;
      /** Stage entry, step 4: what to do with the conversation so far. */
      history: 'keep' | 'reset' | 'summarize';
    }
  /** Ask the model to speak now (`response.create`); with `say`, it says that line verbatim. */
  | { type: 'respond'; reason: 'stage' | 'tools' | 'reprompt'; say?: string }
  /** Run a tool binding through the connector host; report back with `tool.result`. */
  | {
      type: 'tool.run';
      callId: string;
      tool: string;
      /** `connector.operation`. */
      use: string;
      /** Final arguments: the model's, validated, plus the binding's `with`. */
      args: Record<string, unknown>;
      timeoutMs: number;
      /** Line to say if the tool is still running after `fillerAfterMs`. */
      filler?: string;
      fillerAfterMs: number;
      origin: 'model' | 'onStart' | 'onEnter' | 'onEnd';
    }
  /** Give the model a function call's output (`conversation.item.create` of `function_call_output`). */
  | { type: 'tool.output'; callId: string; output: unknown }
  /** The model called something it may not call here, or with bad arguments. Record it. */
  | { type: 'violation'; callId: string; name: string; code: string; message: string }
  | { type: 'timer.start'; key: string; ms: number }
  | { type: 'timer.cancel'; key: string }
  /**
   * Stage entry, step 6: record the transition. `pointer` is the JSON pointer of
   * the flow transition that fired (`/stages/greeting/next/0`, `/global/2`);
   * absent for the start, a limit and `onError` (no transition of the flow fired).
   */
  | { type: 'transition'; from: string | null; to: string; trigger: TransitionTrigger; contextDiff: ContextDiff; at: string; pointer?: string }
  /** Hand the call to another number or SIP address (after any `respond` before it has played). */
  | { type: 'transfer'; to: string; callerId?: string }
  /** Hang up once the agent's last words have played. */
  | { type: 'hangup' }
  /**
   * Something went wrong that the flow could not route (an expression failed, a
   * stage loop, an action stage with no way out): record it with the call. The
   * call goes on; when it cannot, a `hangup` (or an `onError` stage) follows.
   */
  | { type: 'error'; code: string; message: string; pointer?: string }
  /** The call is finished: `onEnd` has been issued and the outcome computed. */
  | { type: 'ended'; outcome?: Record<string, unknown>; outcomeErrors?: string[] };

export type EffectType = Effect['type'];
