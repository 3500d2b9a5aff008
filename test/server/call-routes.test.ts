import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallRepository, type CallRecord } from '../../engine/store/call-repository.js';
import { createManualClock } from '../../engine/util/clock.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/calls', () => {
  let server: TestServer;
  /** Calls made on a manual clock, an hour apart from 2026-01-05T10:00Z: c0 (oldest) … c5. */
  const made: CallRecord[] = [];
  const get = (url: string) => server.app.inject({ method: 'GET', url });
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((call) => call.id);

  beforeAll(async () => {
    server = await createTestServer();
    const clock = createManualClock(Date.UTC(2026, 0, 5, 10));
    // Same store as the server's repository; only the clock differs, so creation times are known.
    const calls = await createCallRepository(server.engine.store, { clock });
    const plan = [
      { flowId: 'dental', direction: 'outbound', status: 'ended', outcome: { booked: true, patient: { insurance: 'medicaid' }, zip: '78701' } },
      { flowId: 'dental', direction: 'outbound', status: 'ended', outcome: { booked: false } },
      { flowId: 'hvac', direction: 'inbound', status: 'failed' },
      { flowId: 'dental', direction: 'inbound', status: 'live' },
      { flowId: 'hvac', direction: 'inbound', status: 'ended', outcome: { booked: true, zip: 78701 } },
      { flowId: 'hvac', direction: 'inbound', status: 'ringing' },
    ] as const;
    for (const [i, p] of plan.entries()) {
      const call = await calls.create({ id: `c${i}`, flowId: p.flowId, flowVersion: 1, direction: p.direction, from: '+15125550100', to: '+15125550199', status: 'queued' });
      const updated = await calls.update(call.id, { status: p.status, ...('outcome' in p ? { outcome: p.outcome } : {}) });
      made.push(updated);
      clock.advance(3_600_000);
    }
  });
  afterAll(() => server.close());

  it('lists calls newest first, a page at a time', async () => {
    const first = await get('/api/calls?limit=4');
    expect(first.statusCode).toBe(200);
    expect(ids(first.json())).toEqual(['c5', 'c4', 'c3', 'c2']);
    const second = (await get(`/api/calls?limit=4&after=${first.json().next}`)).json();
    expect(ids(second)).toEqual(['c1', 'c0']);
    expect(second.next).toBeUndefined();
    expect(first.json().items[3]).toEqual({ ...made[2] });
  });

  it('filters by flow, status (one or several), direction, dates and outcome fields', async () => {
    const cases: Array<[string, string[]]> = [
      ['flowId=dental', ['c3', 'c1', 'c0']],
      ['status=ended', ['c4', 'c1', 'c0']],
      ['status=live&status=ringing', ['c5', 'c3']],
      ['direction=outbound', ['c1', 'c0']],
      ['since=2026-01-05T12:00:00Z', ['c5', 'c4', 'c3', 'c2']],
      ['since=2026-01-05T11:00:00Z&until=2026-01-05T13:00:00Z', ['c2', 'c1']],
      ['until=2026-01-05', []],
      ['since=2026-01-05T13:00:00%2B02:00', ['c5', 'c4', 'c3', 'c2', 'c1']],
      ['outcome.booked=true', ['c4', 'c0']],
      ['outcome.booked=false', ['c1']],
      ['outcome.patient.insurance=medicaid', ['c0']],
      ['outcome.zip=78701', ['c4']],
      ['outcome.zip=%2278701%22', ['c0']],
      ['flowId=hvac&status=ended&outcome.booked=true', ['c4']],
    ];
    for (const [query, expected] of cases) {
      const response = await get(`/api/calls?${query}`);
      expect({ query, status: response.statusCode, ids: ids(response.json()) }).toEqual({ query, status: 200, ids: expected });
    }
  });

  it('keeps the filters on the next page', async () => {
    const first = (await get('/api/calls?flowId=dental&limit=2')).json();
    expect(ids(first)).toEqual(['c3', 'c1']);
    expect(ids((await get(`/api/calls?flowId=dental&limit=2&after=${first.next}`)).json())).toEqual(['c0']);
  });

  it('refuses malformed query parameters with a coded 400 naming them', async () => {
    const first = (await get('/api/calls?limit=2')).json();
    const cases: Array<[string, string, RegExp]> = [
      ['status=done', 'API_BAD_REQUEST', /status/],
      ['since=yesterday', 'API_BAD_REQUEST', /since/],
      ['since=2026-13-45', 'API_BAD_REQUEST', /since/],
      ['until=2026-01-05T10:00', 'API_BAD_REQUEST', /until/],
      ['direction=sideways', 'API_BAD_REQUEST', /direction/],
      ['limit=0', 'API_BAD_REQUEST', /limit/],
      ['limit=201', 'API_BAD_REQUEST', /limit/],
      ['limit=many', 'API_BAD_REQUEST', /limit/],
      ['flowId=Not%20An%20Id', 'API_BAD_REQUEST', /flowId/],
      ['flow=dental', 'API_BAD_REQUEST', /unknown property "flow"/],
      ['outcome.$where=1', 'API_BAD_REQUEST', /outcome/],
      ['outcome.=1', 'API_BAD_REQUEST', /outcome/],
      ['after=%%%', 'STORE_BAD_CURSOR', /cursor/],
      ['after=eyJ2IjoxfQ', 'STORE_BAD_CURSOR', /cursor/],
      [`status=live&after=${first.next}`, 'STORE_BAD_CURSOR', /different filter/],
    ];
    for (const [query, code, message] of cases) {
      const response = await get(`/api/calls?${query}`);
      expect({ query, status: response.statusCode, code: response.json().error?.code }).toEqual({ query, status: 400, code });
      expect(response.json().error.message).toMatch(message);
    }
  });

  it('answers unknown calls with CALL_NOT_FOUND', async () => {
    for (const url of ['/api/calls/nope', '/api/calls/nope/events']) {
      const response = await get(url);
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status: 404, code: 'CALL_NOT_FOUND' });
    }
    const note = await server.app.inject({ method: 'POST', url: '/api/calls/nope/notes', payload: { text: 'hello' } });
    expect({ status: note.statusCode, code: note.json().error.code }).toEqual({ status: 404, code: 'CALL_NOT_FOUND' });
  });

  it('appends operator notes and pages through the events by seq', async () => {
    const texts = Array.from({ length: 5 }, (_, i) => `note ${i}`);
    for (const [i, text] of texts.entries()) {
      const response = await server.app.inject({ method: 'POST', url: '/api/calls/c3/notes', payload: { text, ...(i === 0 ? { author: 'Dana' } : {}) } });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ callId: 'c3', seq: i + 1, kind: 'note', data: { text, source: 'api' } });
    }
    const detail = (await get('/api/calls/c3?limit=2')).json();
    expect(detail.call).toMatchObject({ id: 'c3', status: 'live', lastSeq: 5 });
    expect(detail.events.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(detail.events.items[0].data).toEqual({ text: 'note 0', source: 'api', author: 'Dana' });
    expect(detail.events.next).toBe(2);
    const rest = (await get(`/api/calls/c3/events?after=${detail.events.next}&limit=2`)).json();
    expect(rest.items.map((e: { data: { text: string } }) => e.data.text)).toEqual(['note 2', 'note 3']);
    const last = (await get(`/api/calls/c3/events?after=${rest.next}`)).json();
    expect(last).toEqual({ items: [expect.objectContaining({ seq: 5 })] });
  });

  it('refuses bad notes and bad event pages, and records nothing', async () => {
    const before = (await server.engine.repositories.calls.get('c2')).lastSeq;
    const cases: Array<[unknown, string]> = [
      [{}, 'API_BAD_REQUEST'],
      [{ text: '' }, 'API_BAD_REQUEST'],
      [{ text: 'x'.repeat(4001) }, 'API_BAD_REQUEST'],
      [{ text: 'ok', kind: 'outcome' }, 'API_BAD_REQUEST'],
      [{ text: { said: 'hi' } }, 'API_BAD_REQUEST'],
    ];
    for (const [payload, code] of cases) {
      const response = await server.app.inject({ method: 'POST', url: '/api/calls/c2/notes', payload: payload as object });
      expect({ payload, status: response.statusCode, code: response.json().error.code }).toEqual({ payload, status: 400, code });
    }
    for (const query of ['after=-1', 'after=one', 'limit=0', 'limit=1001', 'since=2026-01-05']) {
      const response = await get(`/api/calls/c2/events?${query}`);
      expect({ query, status: response.statusCode, code: response.json().error.code }).toEqual({ query, status: 400, code: 'API_BAD_REQUEST' });
    }
    expect((await server.engine.repositories.calls.get('c2')).lastSeq).toBe(before);
    expect((await server.engine.repositories.calls.listEvents('c2')).items).toEqual([]);
  });
});
