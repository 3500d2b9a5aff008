import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/store/call-event.js';
import { openSse, type SseClient } from '../support/sse-client.js';
import { createTestServer, TEST_API_KEY, type TestServer } from '../support/test-engine.js';

const events = (client: SseClient) => client.messages.filter((m) => m.event === 'message').map((m) => JSON.parse(m.data) as CallEvent);

describe('GET /api/calls/:id/events/live', () => {
  let server: TestServer;
  let base: string;
  const auth = { authorization: `Bearer ${TEST_API_KEY}` };
  const calls = () => server.engine.repositories.calls;
  const newCall = () => calls().create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
  const note = (callId: string, text: string) => calls().appendEvent(callId, { kind: 'note', data: { text } });

  beforeAll(async () => {
    // A long poll interval: events appended here must arrive through the in-process bus, not the poll.
    server = await createTestServer({ PARLEY_API_KEY: TEST_API_KEY, PARLEY_LIVE_POLL_MS: '60000' });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => server.close());

  it('sends the stored events, then each new one as it is recorded, with its seq as the SSE id', async () => {
    const call = await newCall();
    await note(call.id, 'before 1');
    await note(call.id, 'before 2');
    const client = await openSse(`${base}/api/calls/${call.id}/events/live`, auth);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await client.waitFor(2);
    await note(call.id, 'after 1');
    await Promise.all([note(call.id, 'after 2'), note(call.id, 'after 3')]);
    await client.waitFor(5);
    expect(events(client).map((e) => [e.seq, (e.data as { text: string }).text])).toEqual([
      [1, 'before 1'],
      [2, 'before 2'],
      [3, 'after 1'],
      [4, 'after 2'],
      [5, 'after 3'],
    ]);
    expect(client.messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5']);
    client.close();
    await client.closed;
  });

  it('resumes after Last-Event-ID, or after ?after=', async () => {
    const call = await newCall();
    for (let i = 1; i <= 4; i++) await note(call.id, `n${i}`);
    const resumed = await openSse(`${base}/api/calls/${call.id}/events/live`, { ...auth, 'last-event-id': '2' });
    const byQuery = await openSse(`${base}/api/calls/${call.id}/events/live?after=3`, auth);
    await resumed.waitFor(2);
    await byQuery.waitFor(1);
    expect(events(resumed).map((e) => e.seq)).toEqual([3, 4]);
    expect(events(byQuery).map((e) => e.seq)).toEqual([4]);
    resumed.close();
    byQuery.close();
  });

  it('ends the stream with the final call record once the call has ended', async () => {
    const call = await newCall();
    await note(call.id, 'last words');
    await calls().update(call.id, { status: 'ended', endReason: 'caller-hangup' });
    const client = await openSse(`${base}/api/calls/${call.id}/events/live`, auth);
    await client.closed;
    expect(client.messages.map((m) => m.event)).toEqual(['message', 'end']);
    expect(JSON.parse(client.messages[1]!.data)).toMatchObject({ id: call.id, status: 'ended', endReason: 'caller-hangup' });
  });

  it('stops listening when the client goes away', async () => {
    const call = await newCall();
    const client = await openSse(`${base}/api/calls/${call.id}/events/live`, auth);
    expect(server.engine.callEvents.listenerCount(call.id)).toBe(1);
    client.close();
    await client.closed;
    // The server sees the socket close on its own schedule: wait for that event, not a fixed time.
    await new Promise<void>((resolve) => {
      const check = () => (server.engine.callEvents.listenerCount(call.id) === 0 ? resolve() : setImmediate(check));
      check();
    });
  });

  it('refuses unknown calls, a bad Last-Event-ID and a missing key before streaming', async () => {
    const call = await newCall();
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/api/calls/nope/events/live', auth, 404, 'CALL_NOT_FOUND'],
      [`/api/calls/${call.id}/events/live`, { ...auth, 'last-event-id': 'abc' }, 400, 'API_BAD_REQUEST'],
      [`/api/calls/${call.id}/events/live?after=-4`, auth, 400, 'API_BAD_REQUEST'],
      [`/api/calls/${call.id}/events/live?since=1`, auth, 400, 'API_BAD_REQUEST'],
      [`/api/calls/${call.id}/events/live`, {}, 401, 'API_UNAUTHORIZED'],
    ];
    for (const [url, headers, status, code] of cases) {
      const response = await server.app.inject({ method: 'GET', url, headers });
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status, code });
    }
  });

  it('accepts the key as the parley_key cookie, as a browser EventSource sends it', async () => {
    const call = await newCall();
    await note(call.id, 'hello');
    const client = await openSse(`${base}/api/calls/${call.id}/events/live`, { cookie: `parley_key=${TEST_API_KEY}` });
    expect(client.response.statusCode).toBe(200);
    await client.waitFor(1);
    client.close();
  });

  it('ends open streams when the server shuts down, so shutdown does not wait for calls to end', async () => {
    const own = await createTestServer();
    try {
      await own.app.listen({ port: 0, host: '127.0.0.1' });
      const call = await own.engine.repositories.calls.create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
      const client = await openSse(`http://127.0.0.1:${(own.app.server.address() as { port: number }).port}/api/calls/${call.id}/events/live`);
      expect(client.response.statusCode).toBe(200);
      await own.app.close();
      await client.closed;
      expect(own.engine.callEvents.listenerCount(call.id)).toBe(0);
    } finally {
      await own.close();
    }
  });
});
