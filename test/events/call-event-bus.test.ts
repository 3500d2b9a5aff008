import { afterEach, describe, expect, it } from 'vitest';
import { createCallEventBus } from '../../engine/events/call-event-bus.js';
import type { CallEvent } from '../../engine/store/call-event.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

const note = (callId: string, seq: number): CallEvent => ({ callId, seq, kind: 'note', data: { text: `n${seq}` }, at: '2026-01-05T15:00:00.000Z' });

describe('createCallEventBus', () => {
  it('delivers a call\'s events to its listeners only, until they unsubscribe', () => {
    const bus = createCallEventBus();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = bus.subscribe('call-a', (event) => a.push(event.seq));
    bus.subscribe('call-b', (event) => b.push(event.seq));
    bus.publish(note('call-a', 1));
    bus.publish(note('call-b', 7));
    stopA();
    bus.publish(note('call-a', 2));
    expect({ a, b, listeners: bus.listenerCount('call-a') }).toEqual({ a: [1], b: [7], listeners: 0 });
  });

  it('keeps delivering to the other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = createCallEventBus({ onListenerError: (error) => errors.push(error) });
    const seen: number[] = [];
    bus.subscribe('c', () => {
      throw new Error('listener bug');
    });
    bus.subscribe('c', (event) => seen.push(event.seq));
    bus.publish(note('c', 3));
    expect(seen).toEqual([3]);
    expect(errors).toHaveLength(1);
  });
});

describe('the engine\'s call repository', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  it('publishes each event once it is stored, in order', async () => {
    server = await createTestServer();
    const { calls } = server.engine.repositories;
    const call = await calls.create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
    const heard: number[] = [];
    const storedWhenHeard: Array<Promise<boolean>> = [];
    server.engine.callEvents.subscribe(call.id, (event) => {
      heard.push(event.seq);
      // The event must already be readable from the store when it is published.
      storedWhenHeard.push(calls.listEvents(call.id, { afterSeq: event.seq - 1, limit: 1 }).then((page) => page.items[0]?.seq === event.seq));
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => calls.appendEvent(call.id, { kind: 'note', data: { text: `n${i}` } })));
    expect(heard).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await Promise.all(storedWhenHeard)).toEqual(Array.from({ length: 20 }, () => true));
  });
});
