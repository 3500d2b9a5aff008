/**
 * The events of a call's record, appended as the call happens and read back
 * as its timeline. Open in shape (`kind` + `data`), typed per kind: add a kind
 * here (and to `CALL_EVENT_KINDS`) rather than stuffing it into `note`.
 */
import type { ContextDiff, TransitionTrigger } from '../interpreter/call-types.js';

/** The data each event kind carries. */
export interface CallEventDataByKind {
  /** Something said: by the caller (transcribed) or the agent. */
  transcript: { role: 'caller' | 'agent'; text: string; /** The stage it was said in. */ stage?: string; /** The model's conversation item id. */ itemId?: string };
  /** A stage change (DESIGN §3, step 6). */
  transition: {
    from: string | null;
    to: string;
    trigger: TransitionTrigger;
    contextDiff: ContextDiff;
    /** JSON pointer of the flow transition that fired, e.g. `/stages/greeting/next/0`; absent for the start, limits and `onError`. */
    pointer?: string;
  };
  /** A tool run: arguments, result or error, and how long it took. */
  tool: {
    name: string;
    /** The connector operation, e.g. `calendar.findSlots`. */
    use?: string;
    /** The model's function call id. */
    callId?: string;
    args: Record<string, unknown>;
    result?: unknown;
    error?: { code: string; message: string };
    latencyMs: number;
    status: 'ok' | 'error' | 'timeout';
  };
  /** The model called something it may not call here, or with bad arguments. */
  violation: { name: string; code: string; message: string; callId?: string };
  /** The model connection: `connected`, `reconnecting`, `reconnected`, `failed`, … */
  model: { event: string; detail?: string; attempt?: number };
  /** The call's structured outcome, once computed. */
  outcome: { outcome?: Record<string, unknown>; errors?: string[] };
  /** Free text for anything else worth keeping on the timeline. */
  note: { text: string; [field: string]: unknown };
}

/** Event kinds. */
export type CallEventKind = keyof CallEventDataByKind;

/** Every kind, for checks at run time. */
export const CALL_EVENT_KINDS: readonly CallEventKind[] = ['transcript', 'transition', 'tool', 'violation', 'model', 'outcome', 'note'];

/** An event to append; `at` defaults to now. */
export type CallEventInput = { [K in CallEventKind]: { kind: K; data: CallEventDataByKind[K]; /** ISO 8601. */ at?: string } }[CallEventKind];

/** A recorded event: numbered per call from 1, in the order it was appended. */
export type CallEvent = { [K in CallEventKind]: { callId: string; seq: number; kind: K; data: CallEventDataByKind[K]; /** ISO 8601. */ at: string } }[CallEventKind];
