import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { minimalFlow } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/numbers', () => {
  let server: TestServer;
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
  /** Every stored route, straight from the repository: what "nothing changed" is checked against. */
  const stored = async () => (await server.engine.repositories.numbers.list()).items;

  beforeAll(async () => {
    server = await createTestServer();
    await server.engine.repositories.flows.create(minimalFlow('front-desk'));
    await server.engine.repositories.flows.create(minimalFlow('after-hours'));
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    for (const route of await stored()) await server.engine.repositories.numbers.delete(route.number);
  });

  it('routes a number, normalising it to E.164, and reads it back', async () => {
    const created = await inject('POST', '/api/numbers', { number: '+1 (512) 555-0199', flowId: 'front-desk', greeting: 'Hello!', context: { org: { name: 'Clinic' } } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ number: '+15125550199', flowId: 'front-desk', greeting: 'Hello!', context: { org: { name: 'Clinic' } } });
    const read = await inject('GET', '/api/numbers/%2B15125550199');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json());
  });

  it('lists routes a page at a time, and by flow', async () => {
    for (const [n, flowId] of [['+15125550101', 'front-desk'], ['+15125550102', 'after-hours'], ['+15125550103', 'front-desk']] as const) {
      expect((await inject('POST', '/api/numbers', { number: n, flowId })).statusCode).toBe(201);
    }
    const first = (await inject('GET', '/api/numbers?limit=2')).json();
    expect(first.items.map((r: { number: string }) => r.number)).toEqual(['+15125550101', '+15125550102']);
    const second = (await inject('GET', `/api/numbers?limit=2&after=${first.next}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ number: '+15125550103' })] });
    const byFlow = (await inject('GET', '/api/numbers?flowId=front-desk')).json();
    expect(byFlow.items.map((r: { number: string }) => r.number)).toEqual(['+15125550101', '+15125550103']);
  });

  it('changes the flow, removes the greeting with null, and deletes', async () => {
    await inject('POST', '/api/numbers', { number: '+15125550199', flowId: 'front-desk', greeting: 'Hi' });
    const patched = await inject('PATCH', '/api/numbers/%2B15125550199', { flowId: 'after-hours', greeting: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ number: '+15125550199', flowId: 'after-hours' });
    expect(patched.json().greeting).toBeUndefined();
    const deleted = await inject('DELETE', '/api/numbers/%2B15125550199');
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(await stored()).toEqual([]);
  });

  it('refuses bad input with a coded error and stores nothing', async () => {
    await inject('POST', '/api/numbers', { number: '+15125550199', flowId: 'front-desk' });
    const before = await stored();
    const cases: Array<[string, 'POST' | 'PATCH' | 'GET' | 'DELETE', string, unknown, number, string]> = [
      ['not E.164', 'POST', '/api/numbers', { number: '512-555-0100', flowId: 'front-desk' }, 422, 'NUMBER_INVALID'],
      ['unknown flow', 'POST', '/api/numbers', { number: '+15125550100', flowId: 'no-such-flow' }, 404, 'FLOW_NOT_FOUND'],
      ['taken number', 'POST', '/api/numbers', { number: '+1 512 555 0199', flowId: 'after-hours' }, 409, 'NUMBER_TAKEN'],
      ['unknown property', 'POST', '/api/numbers', { number: '+15125550100', flowId: 'front-desk', greting: 'typo' }, 400, 'API_BAD_REQUEST'],
      ['missing flowId', 'POST', '/api/numbers', { number: '+15125550100' }, 400, 'API_BAD_REQUEST'],
      ['bad flow id', 'POST', '/api/numbers', { number: '+15125550100', flowId: 'Front Desk' }, 400, 'API_BAD_REQUEST'],
      ['context not an object', 'POST', '/api/numbers', { number: '+15125550100', flowId: 'front-desk', context: [1] }, 400, 'API_BAD_REQUEST'],
      ['empty patch', 'PATCH', '/api/numbers/%2B15125550199', {}, 400, 'API_BAD_REQUEST'],
      ['patch to unknown flow', 'PATCH', '/api/numbers/%2B15125550199', { flowId: 'no-such-flow' }, 404, 'FLOW_NOT_FOUND'],
      ['patch of unknown number', 'PATCH', '/api/numbers/%2B15125550100', { greeting: 'x' }, 404, 'NUMBER_NOT_FOUND'],
      ['get unknown number', 'GET', '/api/numbers/%2B15125550100', undefined, 404, 'NUMBER_NOT_FOUND'],
      ['get malformed number', 'GET', '/api/numbers/hello', undefined, 422, 'NUMBER_INVALID'],
      ['delete unknown number', 'DELETE', '/api/numbers/%2B15125550100', undefined, 404, 'NUMBER_NOT_FOUND'],
      ['limit out of range', 'GET', '/api/numbers?limit=500', undefined, 400, 'API_BAD_REQUEST'],
      ['limit not a number', 'GET', '/api/numbers?limit=ten', undefined, 400, 'API_BAD_REQUEST'],
      ['malformed cursor', 'GET', '/api/numbers?after=not*a*cursor', undefined, 400, 'STORE_BAD_CURSOR'],
      ['unknown query parameter', 'GET', '/api/numbers?flow=front-desk', undefined, 400, 'API_BAD_REQUEST'],
    ];
    for (const [name, method, url, payload, status, code] of cases) {
      const response = await inject(method, url, payload);
      expect({ name, status: response.statusCode, code: response.json().error?.code }).toEqual({ name, status, code });
      expect(response.json().error.message.length).toBeGreaterThan(10);
    }
    expect(await stored()).toEqual(before);
  });

  it('refuses a body that is not JSON, or not JSON at all', async () => {
    const broken = await server.app.inject({ method: 'POST', url: '/api/numbers', headers: { 'content-type': 'application/json' }, payload: '{"number": ' });
    expect({ status: broken.statusCode, code: broken.json().error.code }).toEqual({ status: 400, code: 'API_INVALID_JSON' });
    const text = await server.app.inject({ method: 'POST', url: '/api/numbers', headers: { 'content-type': 'text/plain' }, payload: 'number=+15125550100' });
    expect({ status: text.statusCode, code: text.json().error.code }).toEqual({ status: 415, code: 'API_UNSUPPORTED_MEDIA_TYPE' });
    expect(await stored()).toEqual([]);
  });
});
