/**
 * Concurrent writers (issue 3): 200 appends in flight at once to one call's
 * event stream through the API lose nothing, and each writer's events keep
 * the order it wrote them in. Real sockets against a listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../support/test-engine.js';

interface NoteEvent {
  seq: number;
  data: { text: string };
}

describe('concurrent notes on one call', () => {
  let server: TestServer;
  let base: string;
  const newCall = () => server.engine.repositories.calls.create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
  const post = async (callId: string, text: string): Promise<NoteEvent> => {
    const response = await fetch(`${base}/api/calls/${callId}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    expect(response.status).toBe(201);
    return (await response.json()) as NoteEvent;
  };
  const stored = async (callId: string) => (await server.engine.repositories.calls.listEvents(callId)).items as NoteEvent[];

  beforeAll(async () => {
    server = await createTestServer();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  it('stores all of 200 appends sent at once, each under the seq it was acknowledged with', async () => {
    const call = await newCall();
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => post(call.id, `note ${i}`)));
    expect(acks.map((a) => a.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const events = await stored(call.id);
    expect(events).toHaveLength(200);
    expect(new Map(events.map((e) => [e.seq, e.data.text]))).toEqual(new Map(acks.map((a) => [a.seq, a.data.text])));
  });

  it('keeps each writer\'s order: 20 writers × 10 notes, each writer waiting for its previous note', async () => {
    const call = await newCall();
    const writers = Array.from({ length: 20 }, (_, w) => w);
    await Promise.all(
      writers.map(async (w) => {
        for (let n = 0; n < 10; n++) await post(call.id, `w${w} ${n}`);
      }),
    );
    const events = await stored(call.id);
    expect(events).toHaveLength(200);
    for (const w of writers) {
      const mine = events.filter((e) => e.data.text.startsWith(`w${w} `)).map((e) => e.data.text);
      expect(mine).toEqual(Array.from({ length: 10 }, (_, n) => `w${w} ${n}`));
    }
  });
});
