/**
 * Everything the interpreter remembers about a call besides the machine's
 * own snapshot, as plain JSON: it is saved in every snapshot and restored on
 * resume, so nothing here may be a class, a function or a Map.
 */
import type { FlowMachineContext } from '../flow/build-flow-machine.js';
import type { CallInfo, ToolSpec, TransitionTrigger } from './call-types.js';

/** Where a call is in its life. */
export type CallStatus =
  /** Created, `start()` not called yet. */
  | 'idle'
  /** `onStart` is running; no stage yet. */
  | 'starting'
  /** In a stage. */
  | 'running'
  /** The call is over; `onEnd` is running. */
  | 'ending'
  /** `ended` was emitted; every event is ignored. */
  | 'ended';

/** A timer the interpreter asked for and has not seen fire or cancelled. */
export interface ArmedTimer {
  key: string;
  kind: 'after' | 'silence' | 'reprompt' | 'stage-duration' | 'call-duration';
  ms: number;
  /** Call clock when it was started (a resumed call can re-arm it with the time left). */
  startedAt: number;
  /** For `after` and `silence`: the transition it fires. */
  transition?: string;
}

/** A `tool.run` waiting for its `tool.result`. */
export interface PendingRun {
  callId: string;
  tool: string;
  origin: 'model' | 'onStart' | 'onEnter' | 'onEnd';
  args: Record<string, unknown>;
  /** For model calls: the batch it belongs to. */
  batch?: number;
}

/** Progress through an action list (`onStart`, a stage entry's `onEnter`s, `onEnd`). */
export interface ActionProgress {
  list: 'onStart' | 'onEnter' | 'onEnd';
  /** `onEnter`: the stages entered, outermost group first; their actions run in that order. */
  stages: string[];
  stageIndex: number;
  actionIndex: number;
  /** The `tool.run` being waited for. */
  waitingFor?: string;
}

/** A stage entry whose procedure has not finished (waiting for an `onEnter` tool). */
export interface EntryInProgress {
  seq: number;
  stage: string;
  from: string | null;
  trigger: TransitionTrigger;
  /** JSON pointer of the flow transition that led here (absent for the start, limits and onError). */
  pointer?: string;
  progress: ActionProgress;
}

/** One function call of a model response. */
export interface BatchCall {
  callId: string;
  name: string;
  /** `intent`: accepted intent (its output is given when the batch settles); `tool`: a `tool.run`; `refused`: answered at once. */
  kind: 'intent' | 'tool' | 'refused';
  args: Record<string, unknown>;
  settled: boolean;
  /** Tool outcome once settled. */
  ok?: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/** The function calls of one model response, settled together. */
export interface Batch {
  id: number;
  /** Stage entry the calls were made in. */
  seq: number;
  calls: BatchCall[];
  /** The stage changed before the batch settled: results still apply, but it takes no transition and asks for no response. */
  orphaned: boolean;
}

export interface InterpreterState {
  status: CallStatus;
  /** Current (leaf) stage. */
  stage: string | null;
  /** Stage entries so far; names timers and batches. */
  seq: number;
  /** Whether the current stage was entered by a global transition. */
  interrupted: boolean;
  /** Caller turns in the current stage entry. */
  turns: number;
  /** Keys pressed in the current stage entry (last 32). */
  dtmf: string;
  /** Re-prompts since the caller last spoke. */
  reprompts: number;
  /** Agent turns ended in this stage entry (names silence timers). */
  agentTurns: number;
  timers: Record<string, ArmedTimer>;
  runs: Record<string, PendingRun>;
  batches: Batch[];
  entry: EntryInProgress | null;
  /** `onStart` / `onEnd` progress. */
  actions: ActionProgress | null;
  /** The context as of the last transition record: the next record's diff starts here, so every change lands in one record. */
  recordedContext: Record<string, unknown>;
  /** Leaf stages entered, in order (repeats included). */
  visited: string[];
  /** Whether a `talk` stage has been entered yet (the first one waits for the caller when `firstSpeaker` is `caller`). */
  talked: boolean;
  /** What the last `session.update` carried. */
  session: { instructions: string; tools: ToolSpec[] } | null;
  /** Counters for ids the interpreter makes up (tool runs it starts, batches). */
  nextRunId: number;
  nextBatchId: number;
  /** Routing stopped (a loop, a budget with nowhere to go): the call is being hung up. */
  halted: boolean;
  /** Set once `ended` was emitted. */
  ended?: { outcome?: Record<string, unknown>; outcomeErrors?: string[] };
}

/** Tag of the snapshot format; bumped when the shape changes. */
export const CALL_SNAPSHOT_FORMAT = 'parley.call-snapshot/1';

/** A call's state as JSON: persist it on every `transition` effect, resume with `createCallInterpreter(…, { snapshot })`. */
export interface CallSnapshot {
  format: typeof CALL_SNAPSHOT_FORMAT;
  flowId: string;
  /** The flow version's fingerprint; a snapshot only resumes on the same version. */
  fingerprint: string;
  call: CallInfo;
  /** The machine's state value and context (the flow's variables live in `context.vars`). */
  machine: { value: unknown; context: FlowMachineContext };
  interpreter: InterpreterState;
}

export function createInitialState(): InterpreterState {
  return {
    status: 'idle',
    stage: null,
    seq: 0,
    interrupted: false,
    turns: 0,
    dtmf: '',
    reprompts: 0,
    agentTurns: 0,
    timers: {},
    runs: {},
    batches: [],
    entry: null,
    actions: null,
    recordedContext: {},
    visited: [],
    talked: false,
    session: null,
    nextRunId: 0,
    nextBatchId: 0,
    halted: false,
  };
}
