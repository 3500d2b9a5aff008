/**
 * Calls and their records: one document per call (who, which flow version,
 * status and timestamps, outcome) and an append-only stream of events per call.
 *
 * Event numbering: the call document holds `lastSeq`; appending reserves the
 * next numbers with one atomic `$inc` (`findOneAndUpdate`), then inserts the
 * events under `_id` `<callId>:<seq>`. Reservation is atomic on both adapters
 * and across processes, so numbers never repeat. Within one repository,
 * appends to a call are queued and written in the order they were made —
 * batched, so a burst of events costs two writes, not two per event. An
 * append resolves only once its event is committed; a crash can leave a gap
 * in the numbers (reserved, never written), never a lost acknowledged event.
 *
 * Writes are per event (a transcript line, a tool run), never per audio frame.
 */
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import type { CallDirection } from '../interpreter/call-types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { CALL_EVENT_KINDS, type CallEvent, type CallEventInput } from './call-event.js';
import type { Collection, Doc, DocumentStore, Filter, Page } from './document-store.js';
import { createId } from './create-id.js';
import type { ScalarValue } from './parse-query.js';

/** Where a call is in its life. `ended`, `failed` and `interrupted` are final. */
export type CallStatus = 'queued' | 'ringing' | 'live' | 'ended' | 'failed' | 'interrupted';

/** A call as it is recorded. */
export interface CallRecord {
  id: string;
  flowId: string;
  /** The published flow version the call runs, pinned when it starts. */
  flowVersion: number;
  direction: CallDirection;
  /** Caller number (E.164) or client id. */
  from: string;
  /** Called number (E.164). */
  to: string;
  status: CallStatus;
  /** ISO 8601 of each step reached. */
  createdAt: string;
  ringingAt?: string;
  answeredAt?: string;
  endedAt?: string;
  updatedAt: string;
  /** Twilio's Call SID, e.g. `CA…`. */
  twilioSid?: string;
  /** The flow's structured outcome. */
  outcome?: Record<string, unknown>;
  /** Why it ended: `caller-hangup`, `agent-hangup`, `transferred`, `failed`, `limit`, `engine-restart`, … */
  endReason?: string;
  /** Where it was transferred to. */
  transferTo?: string;
  /** Custom parameters (Twilio `customParameters`, outbound request fields). */
  parameters?: Record<string, string>;
  /** The engine instance bridging it (several instances may share one store). */
  instanceId?: string;
  /** The highest event number handed out so far (0 before the first event). */
  lastSeq: number;
}

/** A call about to start. */
export interface NewCall {
  /** Default: a new id. */
  id?: string;
  flowId: string;
  flowVersion: number;
  direction: CallDirection;
  from: string;
  to: string;
  /** Default `queued`. */
  status?: 'queued' | 'ringing' | 'live';
  twilioSid?: string;
  parameters?: Record<string, string>;
  instanceId?: string;
}

/** Changes to a call. Status only moves forward (queued → ringing → live → final); a late or repeated status is ignored. */
export interface CallPatch {
  status?: CallStatus;
  twilioSid?: string;
  outcome?: Record<string, unknown>;
  endReason?: string;
  transferTo?: string;
  instanceId?: string;
}

/** Which calls to list; all given conditions must hold. */
export interface CallListFilter {
  flowId?: string;
  status?: CallStatus | CallStatus[];
  direction?: CallDirection;
  /** Created at or after this instant (ISO 8601). */
  since?: string;
  /** Created before this instant (ISO 8601). */
  until?: string;
  /** Outcome field path → value, e.g. `{ booked: true, 'patient.insurance': 'medicaid' }`. */
  outcome?: Record<string, ScalarValue>;
}

/** One page of a call's events and the `afterSeq` of the next page. */
export interface EventPage {
  items: CallEvent[];
  /** Pass as `afterSeq` for the next page; absent on the last page. */
  next?: number;
}

/** Call records and their event streams. */
export interface CallRepository {
  create(call: NewCall): Promise<CallRecord>;
  /** `CALL_NOT_FOUND`. */
  get(id: string): Promise<CallRecord>;
  findByTwilioSid(sid: string): Promise<CallRecord | null>;
  /** Applies a patch (see `CallPatch` for status rules) and returns the call as it now is; `CALL_NOT_FOUND`. */
  update(id: string, patch: CallPatch): Promise<CallRecord>;
  /** Newest first, a page at a time. */
  list(filter?: CallListFilter, options?: { limit?: number; after?: string }): Promise<Page<CallRecord>>;
  /** Appends one event and resolves with it, numbered, once it is stored. `CALL_NOT_FOUND`, `CALL_BAD_EVENT`. */
  appendEvent(callId: string, event: CallEventInput): Promise<CallEvent>;
  /** A call's events in order, after `afterSeq` (default 0), at most `limit` (default all). */
  listEvents(callId: string, options?: { afterSeq?: number; limit?: number }): Promise<EventPage>;
  /** The call and a page of its events; `CALL_NOT_FOUND`. */
  getDetail(id: string, options?: { afterSeq?: number; limit?: number }): Promise<{ call: CallRecord; events: EventPage }>;
  /**
   * On start: marks calls still `live` as `interrupted` (their process died with
   * them). With `instanceId`, only that instance's calls, so one instance
   * restarting never touches the calls another is bridging. Returns how many.
   */
  markLiveCallsInterrupted(options?: { instanceId?: string }): Promise<number>;
}

interface CallDoc extends Doc, Omit<CallRecord, 'id'> {}

interface EventDoc extends Doc {
  callId: string;
  seq: number;
  at: string;
  kind: string;
  data: Record<string, unknown>;
}

/** Collections the repository owns. */
export const CALL_COLLECTIONS = { calls: 'calls', events: 'call_events' } as const;

const FINAL: readonly CallStatus[] = ['ended', 'failed', 'interrupted'];
/** Statuses a call may move to `status` from. */
const EARLIER: Record<CallStatus, CallStatus[]> = {
  queued: [],
  ringing: ['queued'],
  live: ['queued', 'ringing'],
  ended: ['queued', 'ringing', 'live'],
  failed: ['queued', 'ringing', 'live'],
  interrupted: ['queued', 'ringing', 'live'],
};
const STATUS_TIMESTAMP: Partial<Record<CallStatus, 'ringingAt' | 'answeredAt' | 'endedAt'>> = {
  ringing: 'ringingAt',
  live: 'answeredAt',
  ended: 'endedAt',
  failed: 'endedAt',
  interrupted: 'endedAt',
};
/** Events written in one batch at most. */
const MAX_BATCH = 256;

/** Opens the call repository on a store, creating its indexes. */
export async function createCallRepository(store: DocumentStore, options: { clock?: Clock } = {}): Promise<CallRepository> {
  const calls = store.collection<CallDoc>(CALL_COLLECTIONS.calls);
  const events = store.collection<EventDoc>(CALL_COLLECTIONS.events);
  // Newest-first lists, alone or by flow or status; event pages by seq.
  await calls.createIndex({ fields: ['createdAt'] });
  await calls.createIndex({ fields: ['flowId', 'createdAt'] });
  await calls.createIndex({ fields: ['status', 'createdAt'] });
  await calls.createIndex({ fields: ['twilioSid'], unique: true });
  await events.createIndex({ fields: ['callId', 'seq'] });
  return new StoreCallRepository(calls, events, options.clock ?? systemClock);
}

const notFound = (id: string) => new ParleyError('CALL_NOT_FOUND', `No call has the id "${id}".`, { details: { callId: id } });

function toRecord(doc: CallDoc): CallRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

function toEvent(doc: EventDoc): CallEvent {
  return { callId: doc.callId, seq: doc.seq, kind: doc.kind, data: doc.data, at: doc.at } as CallEvent;
}

/** Event `_id`s sort by seq too (zero-padded), which keeps a call's events together in the primary key. */
const eventId = (callId: string, seq: number) => `${callId}:${String(seq).padStart(10, '0')}`;

function checkEvent(event: CallEventInput): void {
  if (!event || !CALL_EVENT_KINDS.includes(event.kind) || event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new ParleyError('CALL_BAD_EVENT', `A call event needs a known kind (${CALL_EVENT_KINDS.join(', ')}) and a data object; got kind ${JSON.stringify(event?.kind)}.`);
  }
}

function isoInstant(value: string, name: string): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new ParleyError('STORE_BAD_QUERY', `${name} must be an ISO 8601 date or time, e.g. 2026-01-05T15:00:00Z; got ${JSON.stringify(value)}.`);
  return new Date(time).toISOString();
}

interface PendingAppend {
  doc: { callId: string; at: string; kind: string; data: Record<string, unknown> };
  resolve(event: CallEvent): void;
  reject(error: unknown): void;
}

class StoreCallRepository implements CallRepository {
  /** Appends waiting per call, written in order by one drain loop per call. */
  private readonly pending = new Map<string, PendingAppend[]>();

  constructor(
    private readonly calls: Collection<CallDoc>,
    private readonly events: Collection<EventDoc>,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async create(call: NewCall): Promise<CallRecord> {
    const now = this.now();
    const status = call.status ?? 'queued';
    const stamp = STATUS_TIMESTAMP[status];
    const doc = await this.calls.insertOne({
      _id: call.id ?? createId(),
      flowId: call.flowId,
      flowVersion: call.flowVersion,
      direction: call.direction,
      from: call.from,
      to: call.to,
      status,
      createdAt: now,
      ...(stamp ? { [stamp]: now } : {}),
      updatedAt: now,
      ...(call.twilioSid !== undefined ? { twilioSid: call.twilioSid } : {}),
      ...(call.parameters !== undefined ? { parameters: call.parameters } : {}),
      ...(call.instanceId !== undefined ? { instanceId: call.instanceId } : {}),
      lastSeq: 0,
    });
    return toRecord(doc);
  }

  async get(id: string): Promise<CallRecord> {
    const doc = await this.calls.findOne({ _id: id });
    if (!doc) throw notFound(id);
    return toRecord(doc);
  }

  async findByTwilioSid(sid: string): Promise<CallRecord | null> {
    const doc = await this.calls.findOne({ twilioSid: sid });
    return doc ? toRecord(doc) : null;
  }

  async update(id: string, patch: CallPatch): Promise<CallRecord> {
    const now = this.now();
    const fields: Record<string, unknown> = { updatedAt: now };
    for (const key of ['twilioSid', 'outcome', 'endReason', 'transferTo', 'instanceId'] as const) if (patch[key] !== undefined) fields[key] = patch[key];
    if (patch.status !== undefined) {
      const stamp = STATUS_TIMESTAMP[patch.status];
      const moved = await this.calls.findOneAndUpdate(
        { _id: id, status: { $in: EARLIER[patch.status] } },
        { $set: { ...fields, status: patch.status, ...(stamp ? { [stamp]: now } : {}) } },
      );
      if (moved) return toRecord(moved);
      // Not a forward move (late, repeated or after the end): keep the status, apply the rest.
    }
    const doc = await this.calls.findOneAndUpdate({ _id: id }, { $set: fields });
    if (!doc) throw notFound(id);
    return toRecord(doc);
  }

  async list(filter: CallListFilter = {}, options: { limit?: number; after?: string } = {}): Promise<Page<CallRecord>> {
    const query: Filter = {};
    if (filter.flowId !== undefined) query.flowId = filter.flowId;
    if (filter.status !== undefined) query.status = Array.isArray(filter.status) ? { $in: filter.status } : filter.status;
    if (filter.direction !== undefined) query.direction = filter.direction;
    if (filter.since !== undefined || filter.until !== undefined) {
      query.createdAt = {
        ...(filter.since !== undefined ? { $gte: isoInstant(filter.since, 'since') } : {}),
        ...(filter.until !== undefined ? { $lt: isoInstant(filter.until, 'until') } : {}),
      };
    }
    // Outcome paths reach the store as `outcome.<path>`, where its path check refuses anything but plain names.
    for (const [path, value] of Object.entries(filter.outcome ?? {})) query[`outcome.${path}`] = value;
    const page = await this.calls.find(query, { sort: { createdAt: -1 }, ...options });
    return { items: page.items.map(toRecord), ...(page.next ? { next: page.next } : {}) };
  }

  appendEvent(callId: string, event: CallEventInput): Promise<CallEvent> {
    try {
      checkEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<CallEvent>((resolve, reject) => {
      const doc = { callId, at: event.at ?? this.now(), kind: event.kind, data: event.data as Record<string, unknown> };
      let queue = this.pending.get(callId);
      if (queue) {
        queue.push({ doc, resolve, reject });
        return; // The drain loop already running for this call will write it, in order.
      }
      queue = [{ doc, resolve, reject }];
      this.pending.set(callId, queue);
      void this.drain(callId, queue);
    });
  }

  /** Writes a call's queued appends in order, in batches, until the queue is empty. */
  private async drain(callId: string, queue: PendingAppend[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      let stored = 0;
      let docs: EventDoc[] = [];
      try {
        const call = await this.calls.findOneAndUpdate({ _id: callId }, { $inc: { lastSeq: batch.length } });
        if (!call) throw notFound(callId);
        const first = call.lastSeq - batch.length + 1;
        docs = batch.map((p, i) => ({ _id: eventId(callId, first + i), ...p.doc, seq: first + i }));
        await this.events.insertMany(docs);
        stored = docs.length;
      } catch (error) {
        // insertMany keeps the events before a failure: those are stored and are acknowledged.
        const inserted = isParleyError(error) ? error.details?.insertedCount : undefined;
        if (typeof inserted === 'number') stored = inserted;
        for (let i = stored; i < batch.length; i++) batch[i]!.reject(error);
      }
      for (let i = 0; i < stored; i++) batch[i]!.resolve(toEvent(docs[i]!));
    }
    this.pending.delete(callId);
  }

  async listEvents(callId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<EventPage> {
    const afterSeq = options.afterSeq ?? 0;
    const page = await this.events.find(
      { callId, seq: { $gt: afterSeq } },
      { sort: { seq: 1 }, ...(options.limit !== undefined ? { limit: options.limit } : {}) },
    );
    const items = page.items.map(toEvent);
    return { items, ...(page.next && items.length ? { next: items.at(-1)!.seq } : {}) };
  }

  async getDetail(id: string, options: { afterSeq?: number; limit?: number } = {}): Promise<{ call: CallRecord; events: EventPage }> {
    const call = await this.get(id);
    return { call, events: await this.listEvents(id, options) };
  }

  async markLiveCallsInterrupted(options: { instanceId?: string } = {}): Promise<number> {
    const now = this.now();
    const filter: Filter = { status: 'live', ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}) };
    const { modified } = await this.calls.updateMany(filter, { $set: { status: 'interrupted', endedAt: now, updatedAt: now, endReason: 'engine-restart' } });
    return modified;
  }
}

/** Whether a status is final. */
export function isFinalStatus(status: CallStatus): boolean {
  return FINAL.includes(status);
}
