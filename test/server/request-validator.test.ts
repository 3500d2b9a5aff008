import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCHEMA, ref } from '../../engine/server/api-schema.js';
import { createRequestValidatorCompiler } from '../../engine/server/request-validator.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('createRequestValidatorCompiler', () => {
  const compile = createRequestValidatorCompiler({ [API_SCHEMA.$id]: API_SCHEMA });
  const limitQuery = { type: 'object', properties: { limit: { type: 'integer' } } };

  it('checks bodies as sent: a number is not a string, a string is not a number (shared parley-api definitions included)', () => {
    const note = compile({ schema: ref('NewNote'), httpPart: 'body' });
    expect(note({ text: 'hello' })).toBe(true);
    expect(note({ text: 42 })).toBe(false);
    expect(note.errors?.[0]).toMatchObject({ instancePath: '/text', keyword: 'type' });
    const rollback = compile({ schema: ref('RollbackRequest'), httpPart: 'body' });
    expect(rollback({ version: 3 })).toBe(true);
    expect(rollback({ version: '3' })).toBe(false);
  });

  it('compiles each validator on its first call (not at server start); `errors` describe the last call', () => {
    const note = compile({ schema: ref('NewNote'), httpPart: 'body' });
    expect(note({ text: 42 })).toBe(false);
    expect(note.errors).toHaveLength(1);
    expect(note({ text: 'hello' })).toBe(true);
    expect(note.errors).toBeNull();
  });

  it('coerces query strings and params, which arrive as text', () => {
    for (const httpPart of ['querystring', 'params']) {
      const query: Record<string, unknown> = { limit: '10' };
      expect(compile({ schema: limitQuery, httpPart })(query)).toBe(true);
      expect(query.limit).toBe(10);
    }
  });
});

describe('request bodies through the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.engine.repositories.calls.create({ id: 'c1', flowId: 'dental', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
  });
  afterAll(() => server.close());

  it('refuses a number where a string is required with 400 API_BAD_REQUEST naming the field, and stores nothing', async () => {
    for (const [payload, field] of [
      [{ text: 42 }, 'body/text'],
      [{ text: 'Call back Monday.', author: 7 }, 'body/author'],
    ] as const) {
      const response = await server.app.inject({ method: 'POST', url: '/api/calls/c1/notes', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('API_BAD_REQUEST');
      expect(error.message).toContain(field);
      expect(error.details.errors[0]).toMatchObject({ field, rule: 'type' });
    }
    expect((await server.engine.repositories.calls.listEvents('c1')).items).toEqual([]);
  });

  it('refuses a string where a number is required', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/api/flows/any/rollback', payload: { version: '3' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'API_BAD_REQUEST', details: { errors: [{ field: 'body/version', rule: 'type' }] } });
  });

  it('still reads numbers from the query string: ?limit=10', async () => {
    const list = await server.app.inject({ method: 'GET', url: '/api/calls?limit=10' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((call: { id: string }) => call.id)).toEqual(['c1']);
    const events = await server.app.inject({ method: 'GET', url: '/api/calls/c1/events?after=0&limit=10' });
    expect(events.statusCode).toBe(200);
    // A well-typed note is still taken.
    expect((await server.app.inject({ method: 'POST', url: '/api/calls/c1/notes', payload: { text: 'Call back Monday.' } })).statusCode).toBe(201);
  });
});
