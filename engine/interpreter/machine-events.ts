/**
 * The internal events of a compiled flow machine. Every event type is built
 * here and nowhere else (STYLE §3): the compiler uses these helpers to write
 * the machine's `on` maps, the interpreter to raise them, tests to aim at them.
 *
 * Two families, so one wildcard can block a whole family:
 * - `parley.flow.*` — things that can move the conversation from stage to
 *   stage (intents, tool outcomes, caller words, keys, timers, `when` checks,
 *   budgets). `end` and `transfer` stages swallow them all.
 * - `parley.ctl.*` — the call's own life: started, context assigned, model
 *   failed, ended, finished.
 */

const FLOW = 'parley.flow';
const CTL = 'parley.ctl';

/** Event types without a per-name part. */
export const MachineEventType = {
  /** A caller turn, with its transcript (`keywords` / `pattern` transitions). */
  turn: `${FLOW}.turn`,
  /** Keys pressed, with the stage's key buffer (`dtmf` transitions). */
  dtmf: `${FLOW}.dtmf`,
  /** Context changed or a stage was entered: `when`-only and trigger-less transitions. */
  check: `${FLOW}.check`,
  /** A budget ran out (`onLimit`). */
  limit: `${FLOW}.limit`,
  /** Every flow event, for stages that must not be left by them. */
  anyFlow: `${FLOW}.*`,
  /** `onStart` has finished: enter the first stage. */
  started: `${CTL}.started`,
  /** Store values in the context (tool `assign`, `set` actions). */
  assign: `${CTL}.assign`,
  /** The model connection is gone for good (`onError`). */
  failed: `${CTL}.failed`,
  /** The call is over: run `onEnd`. */
  end: `${CTL}.end`,
  /** `onEnd` has finished. */
  finished: `${CTL}.finished`,
} as const;

/** The event that takes an intent transition: `parley.flow.intent.go_booking`. */
export function intentEventType(intentName: string): string {
  return `${FLOW}.intent.${intentName}`;
}

/** The event a finished tool raises: `parley.flow.tool.book_appointment.done`. */
export function toolEventType(tool: string, outcome: 'done' | 'error'): string {
  return `${FLOW}.tool.${tool}.${outcome}`;
}

/** The event of one transition's `after` timer. */
export function afterEventType(transitionId: string): string {
  return `${FLOW}.after.${transitionId}`;
}

/** The event of one transition's `silence` timer. */
export function silenceEventType(transitionId: string): string {
  return `${FLOW}.silence.${transitionId}`;
}

/** Which budget ran out. */
export type LimitKind = 'turns' | 'duration' | 'call-duration' | 'silence';

/** The stage an event happens in, so a global transition can remember it for `$previous`. */
export interface EventOrigin {
  stage: string | null;
  /** Whether that stage was itself entered by a global transition (then `$previous` keeps the stage before it). */
  interrupted: boolean;
}

/**
 * An internal event. One shape for all: each type uses the fields it needs
 * (`args` for intents and tools, `transcript` for turns, …).
 */
export interface MachineEvent {
  type: string;
  /** Call clock, milliseconds since the epoch: `$now()` in guards and `set`s. */
  now: number;
  origin: EventOrigin;
  /** Intent or tool arguments (`$args`). */
  args?: Record<string, unknown>;
  /** A tool's result (`$result`). */
  result?: unknown;
  /** A tool's error (`$error`). */
  error?: { code: string; message: string };
  transcript?: string;
  /** The keys pressed since the stage was entered. */
  buffer?: string;
  limit?: LimitKind;
  /** Values to store: dotted path → value. */
  values?: Array<readonly [path: string, value: unknown]>;
  /** Where the values come from in the flow (for error reports). */
  pointer?: string;
  /** Why the model failed (`onError`). */
  reason?: string;
}

/** Builds an internal event. */
export function machineEvent(type: string, now: number, origin: EventOrigin, fields: Omit<MachineEvent, 'type' | 'now' | 'origin'> = {}): MachineEvent {
  return { type, now, origin, ...fields };
}

/** Names of the guards and actions the compiled machine refers to; implementations are bound per call. */
export const MachineGuard = {
  /** The transition's `when` (and `$previous` check) holds. */
  when: 'when',
  /** The transcript contains one of the transition's keywords, and `when` holds. */
  keywords: 'keywords',
  /** The transcript matches the transition's pattern, and `when` holds. */
  pattern: 'pattern',
  /** The key buffer ends with the transition's digits, and `when` holds. */
  dtmf: 'dtmf',
  /** `$previous` return hub: the remembered stage is this one. */
  previousIs: 'previousIs',
} as const;

export const MachineAction = {
  /** Marks which transition fired (read by the interpreter, does nothing). */
  fired: 'fired',
  /** Marks a stage being entered, outermost group first (read by the interpreter). */
  stageEntered: 'stageEntered',
  /** Stores an intent's `collect` arguments in the context. */
  collect: 'collect',
  /** Applies a transition's `set`. */
  set: 'set',
  /** Remembers the interrupted stage for `$previous` (global transitions). */
  rememberPrevious: 'rememberPrevious',
  /** Forgets it once `$previous` has returned there. */
  forgetPrevious: 'forgetPrevious',
  /** Stores `event.values` in the context. */
  assignValues: 'assignValues',
} as const;

/** What fired a transition, as the `fired` marker records it. */
export type FiredTrigger = 'intent' | 'tool' | 'when' | 'always' | 'keywords' | 'pattern' | 'dtmf' | 'after' | 'silence' | 'limit' | 'error';

/** Parameters of the `fired` marker. */
export interface FiredParams {
  /** Transition id (`t3`); absent for `onLimit` and `onError` routes. */
  t?: string;
  trigger: FiredTrigger;
}

/** Parameters of the transition guards. */
export interface GuardParams {
  t: string;
  /** For `$previous` transitions: there must be a remembered stage to return to. */
  returns?: true;
}

/** Parameters of the `previousIs` guard of the `$previous` return hub. */
export interface PreviousParams {
  stage: string;
}

/** Id (and key under `running`) of the state `$previous` transitions go through: one branch per stage it can return to. */
export const RETURN_HUB = '$previous';
