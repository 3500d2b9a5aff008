import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallEventBus } from '../../engine/events/call-event-bus.js';
import { createLiveCallFeed, type LiveCallFeedOptions } from '../../engine/events/live-call-feed.js';
import { withCallEventNotifications } from '../../engine/events/notifying-call-repository.js';
import type { CallEvent } from '../../engine/store/call-event.js';
import { CALL_COLLECTIONS, createCallRepository, type CallRecord, type CallRepository } from '../../engine/store/call-repository.js';
import type { DocumentStore } from '../../engine/store/document-store.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { createManualClock } from '../../engine/util/clock.js';

/** Collects what a feed delivers and lets the test wait for it. */
function recorder() {
  const seen: CallEvent[] = [];
  let ended: CallRecord | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const until = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; seen ${seen.map((e) => e.seq).join(',')}`)), 5000);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return {
    seen,
    get ended() {
      return ended;
    },
    onEvent: (event: CallEvent) => {
      seen.push(event);
      wake();
    },
    onEnd: (call: CallRecord) => {
      ended = call;
      wake();
    },
    onError: (error: unknown) => {
      throw error;
    },
    seqs: () => seen.map((e) => e.seq),
    waitForSeqs: (count: number) => until(() => seen.length >= count, `${count} events`),
    waitForEnd: () => until(() => ended !== undefined, 'the end'),
  };
}

describe('createLiveCallFeed', () => {
  let store: DocumentStore;
  let stored: CallRepository;
  beforeAll(async () => {
    store = openSqliteStore({ file: ':memory:' });
    stored = await createCallRepository(store);
  });
  afterAll(() => store.close());

  const newCall = () => stored.create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
  /** Writes an event the way another process would: straight to the store, so this process's bus never hears of it. */
  const writeElsewhere = (callId: string, seq: number) =>
    store.collection(CALL_COLLECTIONS.events).insertOne({ _id: `${callId}:elsewhere-${seq}`, callId, seq, at: new Date().toISOString(), kind: 'note', data: { text: `elsewhere ${seq}` } });

  it('delivers the backlog, then appends from this process without waiting for a poll', async () => {
    const bus = createCallEventBus();
    const calls = withCallEventNotifications(stored, bus);
    const call = await newCall();
    await calls.appendEvent(call.id, { kind: 'note', data: { text: 'one' } });
    const out = recorder();
    const feed = createLiveCallFeed({ calls, bus, callId: call.id, after: 0, pollMs: 3_600_000, ...out });
    await out.waitForSeqs(1);
    await Promise.all([2, 3, 4].map((n) => calls.appendEvent(call.id, { kind: 'note', data: { text: `n${n}` } })));
    await out.waitForSeqs(4);
    expect(out.seqs()).toEqual([1, 2, 3, 4]);
    expect(feed.lastSeq).toBe(4);
    feed.stop();
    expect(bus.listenerCount(call.id)).toBe(0);
  });

  it('finds events written by another process through the poll', async () => {
    const bus = createCallEventBus();
    const call = await newCall();
    const out = recorder();
    const feed = createLiveCallFeed({ calls: stored, bus, callId: call.id, after: 0, pollMs: 20, ...out });
    await writeElsewhere(call.id, 1);
    await writeElsewhere(call.id, 2);
    await out.waitForSeqs(2);
    expect(out.seqs()).toEqual([1, 2]);
    feed.stop();
  });

  it('holds events back behind a hole until it fills, so nothing arrives out of order', async () => {
    const bus = createCallEventBus();
    const call = await newCall();
    const clock = createManualClock();
    const out = recorder();
    // Counts the feed's store reads, so the test can wait for polls instead of sleeping.
    let reads = 0;
    let onRead = () => {};
    const counted: CallRepository = {
      ...stored,
      get: (id) => stored.get(id),
      listEvents: (id, options) => {
        reads++;
        onRead();
        return stored.listEvents(id, options);
      },
    };
    await writeElsewhere(call.id, 1);
    await writeElsewhere(call.id, 3);
    const feed = createLiveCallFeed({ calls: counted, bus, callId: call.id, after: 0, pollMs: 20, gapGraceMs: 1000, clock, ...out });
    await out.waitForSeqs(1);
    // Several polls see 3 behind the hole at 2; with the clock standing still, none may deliver it.
    const target = reads + 5;
    await new Promise<void>((resolve) => (onRead = () => reads >= target && resolve()));
    expect(out.seqs()).toEqual([1]);
    await writeElsewhere(call.id, 2);
    await out.waitForSeqs(3);
    expect(out.seqs()).toEqual([1, 2, 3]);
    feed.stop();
  });

  it('skips a hole that stays open past the grace period (a writer died before writing)', async () => {
    const bus = createCallEventBus();
    const call = await newCall();
    const clock = createManualClock();
    const out = recorder();
    const feed = createLiveCallFeed({ calls: stored, bus, callId: call.id, after: 0, pollMs: 20, gapGraceMs: 1000, clock, ...out });
    await writeElsewhere(call.id, 1);
    await writeElsewhere(call.id, 3);
    await out.waitForSeqs(1);
    clock.advance(999);
    await writeElsewhere(call.id, 4);
    clock.advance(1001);
    await out.waitForSeqs(3);
    expect(out.seqs()).toEqual([1, 3, 4]);
    feed.stop();
  });

  it('ends once the call is final and every stored event is delivered', async () => {
    const bus = createCallEventBus();
    const call = await newCall();
    const out = recorder();
    createLiveCallFeed({ calls: stored, bus, callId: call.id, after: 0, pollMs: 20, ...out });
    await writeElsewhere(call.id, 1);
    await out.waitForSeqs(1);
    await writeElsewhere(call.id, 2);
    await stored.update(call.id, { status: 'ended' });
    await out.waitForEnd();
    expect(out.seqs()).toEqual([1, 2]);
    expect(out.ended).toMatchObject({ id: call.id, status: 'ended' });
    expect(bus.listenerCount(call.id)).toBe(0);
  });
});
