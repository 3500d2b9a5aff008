/**
 * The runtime's own per-call state, beside the call record: what a call starts
 * with (the outbound request's context, the number route's greeting and
 * context) and the interpreter's latest snapshot, rewritten on every
 * transition (DESIGN §3, durability). One document per call in `call_state`.
 */
import type { CallSnapshot } from '../interpreter/interpreter-state.js';
import type { Doc, DocumentStore } from '../store/document-store.js';

/** What a call starts with. */
export interface CallStart {
  /** Merged over the flow's `context.initial`. */
  context?: Record<string, unknown>;
  /** Said first (a number route's greeting). */
  greeting?: string;
}

interface CallStateDoc extends Doc {
  /** JSON text: context keys are the flow designer's, and stores restrict some key names. */
  startJson?: string;
  snapshotJson?: string;
  stage?: string;
  updatedAt: string;
}

/** Collection the runtime owns. */
export const CALL_STATE_COLLECTION = 'call_state';

/** Reads and writes per-call runtime state. */
export interface CallStateStore {
  saveStart(callId: string, start: CallStart): Promise<void>;
  loadStart(callId: string): Promise<CallStart>;
  /** Persists the interpreter's snapshot (the latest wins; writes for one call are applied in order). */
  saveSnapshot(callId: string, snapshot: CallSnapshot, stage: string | null): Promise<void>;
  loadSnapshot(callId: string): Promise<CallSnapshot | null>;
}

/** The call-state store on a document store (collection `call_state`). */
export function createCallStateStore(store: DocumentStore): CallStateStore {
  const collection = store.collection<CallStateDoc>(CALL_STATE_COLLECTION);
  const now = () => new Date().toISOString();
  return {
    async saveStart(callId, start) {
      await collection.updateOne({ _id: callId }, { $set: { startJson: JSON.stringify(start), updatedAt: now() } }, { upsert: true });
    },
    async loadStart(callId) {
      const doc = await collection.findOne({ _id: callId });
      return doc?.startJson ? (JSON.parse(doc.startJson) as CallStart) : {};
    },
    async saveSnapshot(callId, snapshot, stage) {
      await collection.updateOne({ _id: callId }, { $set: { snapshotJson: JSON.stringify(snapshot), ...(stage ? { stage } : {}), updatedAt: now() } }, { upsert: true });
    },
    async loadSnapshot(callId) {
      const doc = await collection.findOne({ _id: callId });
      return doc?.snapshotJson ? (JSON.parse(doc.snapshotJson) as CallSnapshot) : null;
    },
  };
}
