import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCallRepository, type CallRepository, type NewCall } from '../../engine/store/call-repository.js';
import type { CallEvent } from '../../engine/store/call-event.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { createManualClock } from '../../engine/util/clock.js';
import { runFixture, startFixture } from './child-process.js';
import { describeOnStores, type OpenedStore } from './store-targets.js';

const baseCall: NewCall = { flowId: 'dental-outreach', flowVersion: 3, direction: 'outbound', from: '+15125550100', to: '+15125550199' };

/** The events of one writer, in the order they are stored. */
function writerOrder(events: CallEvent[], writer: string): number[] {
  return events.filter((e) => e.kind === 'note' && e.data.writer === writer).map((e) => (e.data as { n: number }).n);
}

describeOnStores('call repository', (target) => {
  let opened: OpenedStore;
  let calls: CallRepository;
  const clock = createManualClock();

  beforeAll(async () => {
    opened = await target.open();
    calls = await createCallRepository(opened.store, { clock });
  });
  afterAll(async () => opened?.dispose());

  it('creates a call record with its flow version pinned, and reads it back', async () => {
    const call = await calls.create({ ...baseCall, id: 'call-1', parameters: { campaign: 'spring' } });
    expect(call).toEqual({
      id: 'call-1',
      ...baseCall,
      status: 'queued',
      createdAt: '2026-01-05T15:00:00.000Z',
      updatedAt: '2026-01-05T15:00:00.000Z',
      parameters: { campaign: 'spring' },
      lastSeq: 0,
    });
    expect(await calls.get('call-1')).toEqual(call);
    await expect(calls.get('nope')).rejects.toMatchObject({ code: 'CALL_NOT_FOUND', status: 404 });
    await expect(calls.create({ ...baseCall, id: 'call-1' })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
  });

  it('moves status forward only, stamping each step; late and repeated statuses change nothing but other fields apply', async () => {
    const { id } = await calls.create({ ...baseCall });
    clock.advance(1000);
    expect(await calls.update(id, { status: 'ringing', twilioSid: 'CA-status-1' })).toMatchObject({ status: 'ringing', ringingAt: '2026-01-05T15:00:01.000Z', twilioSid: 'CA-status-1' });
    clock.advance(1000);
    expect(await calls.update(id, { status: 'live', instanceId: 'i1' })).toMatchObject({ status: 'live', answeredAt: '2026-01-05T15:00:02.000Z' });
    // A late "ringing" from a status callback does not move it back.
    expect(await calls.update(id, { status: 'ringing' })).toMatchObject({ status: 'live', ringingAt: '2026-01-05T15:00:01.000Z' });
    clock.advance(1000);
    const ended = await calls.update(id, { status: 'ended', endReason: 'transferred', transferTo: '+15125550123', outcome: { booked: true } });
    expect(ended).toMatchObject({ status: 'ended', endedAt: '2026-01-05T15:00:03.000Z', endReason: 'transferred', transferTo: '+15125550123', outcome: { booked: true } });
    clock.advance(1000);
    const late = await calls.update(id, { status: 'failed', outcome: { booked: true, note: 'late' } });
    expect(late).toMatchObject({ status: 'ended', endedAt: '2026-01-05T15:00:03.000Z', outcome: { booked: true, note: 'late' } });
    await expect(calls.update('nope', { status: 'live' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(calls.update('nope', { outcome: {} })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
  });

  it('finds calls by Twilio SID, which is unique, while calls without one coexist', async () => {
    const a = await calls.create({ ...baseCall, twilioSid: 'CA-unique-1' });
    await calls.create({ ...baseCall });
    await calls.create({ ...baseCall });
    expect((await calls.findByTwilioSid('CA-unique-1'))?.id).toBe(a.id);
    expect(await calls.findByTwilioSid('CA-none')).toBeNull();
    await expect(calls.create({ ...baseCall, twilioSid: 'CA-unique-1' })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY', details: { fields: ['twilioSid'] } });
  });

  it('lists calls newest first with filters on flow, status, direction, dates and outcome fields, a page at a time', async () => {
    // A store of its own, so the other cases' calls do not show up in these lists.
    const { store, dispose } = await target.open();
    const localClock = createManualClock(Date.UTC(2026, 2, 1));
    const local = await createCallRepository(store, { clock: localClock });
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      localClock.set(Date.UTC(2026, 2, 1 + i));
      const call = await local.create({ ...baseCall, flowId: i % 3 === 0 ? 'intake' : 'outreach', direction: i % 2 ? 'inbound' : 'outbound' });
      if (i % 4 === 0) await local.update(call.id, { status: 'ended', outcome: { booked: i % 8 === 0, visit: { kind: i < 6 ? 'cleaning' : 'exam' } } });
      made.push(call.id);
    }
    const ids = async (filter: Parameters<CallRepository['list']>[0]) => (await local.list(filter)).items.map((c) => made.indexOf(c.id));
    expect(await ids({})).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(await ids({ flowId: 'intake' })).toEqual([9, 6, 3, 0]);
    expect(await ids({ status: 'ended' })).toEqual([8, 4, 0]);
    expect(await ids({ status: ['ended', 'live'] })).toEqual([8, 4, 0]);
    expect(await ids({ direction: 'inbound', since: '2026-03-05', until: '2026-03-09T00:00:00Z' })).toEqual([7, 5]);
    expect(await ids({ outcome: { booked: true } })).toEqual([8, 0]);
    expect(await ids({ outcome: { 'visit.kind': 'exam' } })).toEqual([8]);
    expect(await ids({ flowId: 'outreach', status: 'queued', since: '2026-03-03' })).toEqual([11, 10, 7, 5, 2]);
    const pages: number[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await local.list({}, { limit: 5, after });
      pages.push(...page.items.map((c) => made.indexOf(c.id)));
      after = page.next;
      if (!after) break;
    }
    expect(pages).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    await expect(local.list({ since: 'yesterday' })).rejects.toMatchObject({ code: 'STORE_BAD_QUERY' });
    await expect(local.list({ outcome: { 'x") OR 1=1 --': 1 } })).rejects.toMatchObject({ code: 'STORE_BAD_NAME' });
    await dispose();
  });

  it('appends typed events numbered from 1 and pages through them by seq', async () => {
    const { id } = await calls.create({ ...baseCall });
    clock.set(Date.UTC(2026, 0, 6, 9, 0, 0));
    const first = await calls.appendEvent(id, { kind: 'transition', data: { from: null, to: 'greeting', trigger: { kind: 'start' }, contextDiff: {} } });
    expect(first).toEqual({ callId: id, seq: 1, kind: 'transition', data: { from: null, to: 'greeting', trigger: { kind: 'start' }, contextDiff: {} }, at: '2026-01-06T09:00:00.000Z' });
    await calls.appendEvent(id, { kind: 'transcript', data: { role: 'agent', text: 'Hi, this is Sophia.', stage: 'greeting' } });
    await calls.appendEvent(id, { kind: 'transcript', data: { role: 'caller', text: 'Who is this?' } });
    await calls.appendEvent(id, {
      kind: 'tool',
      data: { name: 'check_availability', use: 'calendar.findSlots', args: { seats: 2 }, result: { slots: ['9:00'] }, latencyMs: 84, status: 'ok' },
    });
    await calls.appendEvent(id, { kind: 'violation', data: { name: 'book', code: 'TOOL_NOT_IN_STAGE', message: 'not offered here' } });
    await calls.appendEvent(id, { kind: 'model', data: { event: 'reconnected', attempt: 1 } });
    await calls.appendEvent(id, { kind: 'outcome', data: { outcome: { booked: false } } });
    const last = await calls.appendEvent(id, { kind: 'note', data: { text: 'done' }, at: '2026-01-06T09:05:00.000Z' });
    expect(last).toMatchObject({ seq: 8, at: '2026-01-06T09:05:00.000Z' });
    expect((await calls.get(id)).lastSeq).toBe(8);

    const page1 = await calls.listEvents(id, { limit: 3 });
    expect(page1.items.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(page1.next).toBe(3);
    const page2 = await calls.listEvents(id, { afterSeq: page1.next, limit: 3 });
    const page3 = await calls.listEvents(id, { afterSeq: page2.next, limit: 3 });
    expect([...page2.items, ...page3.items].map((e) => e.kind)).toEqual(['tool', 'violation', 'model', 'outcome', 'note']);
    expect(page3.next).toBeUndefined();
    const detail = await calls.getDetail(id, { afterSeq: 6 });
    expect(detail.call.id).toBe(id);
    expect(detail.events.items.map((e) => e.seq)).toEqual([7, 8]);
    await expect(calls.getDetail('nope')).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
  });

  it('refuses events for unknown calls and events of unknown kinds', async () => {
    await expect(calls.appendEvent('nope', { kind: 'note', data: { text: 'x' } })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    const { id } = await calls.create({ ...baseCall });
    await expect(calls.appendEvent(id, { kind: 'audio', data: {} } as never)).rejects.toMatchObject({ code: 'CALL_BAD_EVENT' });
    await expect(calls.appendEvent(id, { kind: 'note', data: 'text' } as never)).rejects.toMatchObject({ code: 'CALL_BAD_EVENT' });
    expect((await calls.listEvents(id)).items).toEqual([]);
    expect((await calls.get(id)).lastSeq).toBe(0);
  });

  it('200 parallel appends to one call from 4 writers: none lost, numbers unique, each writer\'s order kept', async () => {
    const { id } = await calls.create({ ...baseCall });
    const writers = ['w1', 'w2', 'w3', 'w4'];
    const appends = [];
    for (let n = 0; n < 50; n++) for (const writer of writers) appends.push(calls.appendEvent(id, { kind: 'note', data: { text: `${writer} ${n}`, writer, n } }));
    const acked = await Promise.all(appends);
    expect(acked.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const stored = (await calls.listEvents(id)).items;
    expect(stored.length).toBe(200);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const writer of writers) expect(writerOrder(stored, writer)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('marks live calls interrupted on start, only its own instance\'s when asked', async () => {
    const { store, dispose } = await target.open();
    const local = await createCallRepository(store, { clock });
    const live1 = await local.create({ ...baseCall, status: 'live', instanceId: 'a' });
    const live2 = await local.create({ ...baseCall, status: 'live', instanceId: 'b' });
    const ringing = await local.create({ ...baseCall, status: 'ringing', instanceId: 'a' });
    const ended = await local.create({ ...baseCall, status: 'live', instanceId: 'a' });
    await local.update(ended.id, { status: 'ended' });
    expect(await local.markLiveCallsInterrupted({ instanceId: 'a' })).toBe(1);
    expect(await local.get(live1.id)).toMatchObject({ status: 'interrupted', endReason: 'engine-restart', endedAt: expect.any(String) });
    expect((await local.get(live2.id)).status).toBe('live');
    expect(await local.markLiveCallsInterrupted()).toBe(1);
    expect((await local.get(live2.id)).status).toBe('interrupted');
    expect((await local.get(ringing.id)).status).toBe('ringing');
    expect((await local.get(ended.id)).status).toBe('ended');
    await dispose();
  });

  it.skipIf(target.label !== 'sqlite')('appends from two stores and a second process on one file: none lost, each writer\'s order kept', async () => {
    const { id } = await calls.create({ ...baseCall });
    const second = openSqliteStore({ file: opened.file!, busyTimeoutMs: 20_000 });
    const otherCalls = await createCallRepository(second);
    const child = runFixture('append-events.ts', [opened.file!, id, '200', 'child']);
    await child.ready;
    const appends = [];
    for (let n = 0; n < 100; n++) {
      appends.push(calls.appendEvent(id, { kind: 'note', data: { text: '', writer: 'here', n } }));
      appends.push(otherCalls.appendEvent(id, { kind: 'note', data: { text: '', writer: 'there', n } }));
      if (n % 10 === 9) await Promise.all(appends.slice(-20)); // Bursts, so the three writers take turns.
    }
    await Promise.all(appends);
    const childAcks = await child.done;
    expect(childAcks.length).toBe(200);
    const stored = (await calls.listEvents(id)).items;
    expect(stored.length).toBe(400);
    expect(new Set(stored.map((e) => e.seq)).size).toBe(400);
    expect(stored.map((e) => e.seq)).toEqual([...stored.map((e) => e.seq)].sort((a, b) => a - b));
    for (const [writer, count] of [['here', 100], ['there', 100], ['child', 200]] as const) {
      expect(writerOrder(stored, writer), writer).toEqual(Array.from({ length: count }, (_, i) => i));
    }
    await second.close();
  });

  it.skipIf(target.label !== 'sqlite')('a process killed with SIGKILL mid-stream loses no acknowledged event', async () => {
    const { id } = await calls.create({ ...baseCall, status: 'live' });
    const child = startFixture('append-events.ts', [opened.file!, id, 'forever', 'doomed']);
    const acked = new Map<number, number>();
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited early: ${code ?? signal}`))));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const [seq, , n] = line.split(' ');
          if (line !== 'ready') acked.set(Number(seq), Number(n));
        }
        // Kill it mid-stream, without warning, once it has acknowledged plenty.
        if (acked.size >= 500 && !child.killed) child.kill('SIGKILL');
      });
    });
    expect(acked.size).toBeGreaterThanOrEqual(500);
    // Reopen the file from scratch, as a restarted server would.
    const reopened = openSqliteStore({ file: opened.file! });
    const after = await createCallRepository(reopened);
    const stored = new Map((await after.listEvents(id)).items.map((e) => [e.seq, (e.data as { n: number }).n]));
    for (const [seq, n] of acked) expect(stored.get(seq), `acknowledged event ${seq}`).toBe(n);
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);
    expect(await after.markLiveCallsInterrupted()).toBeGreaterThanOrEqual(1);
    expect((await after.get(id)).status).toBe('interrupted');
    await reopened.close();
  });
});
