import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, TEST_API_KEY, UNREACHABLE_REALTIME_URL, type TestServer } from '../support/test-engine.js';

describe('server without an API key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('reports health: store reachable, nothing configured, no calls', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      store: { kind: 'sqlite', reachable: true },
      auth: false,
      model: { configured: false, endpoint: new URL(UNREACHABLE_REALTIME_URL).host },
      telephony: { configured: false },
      activeCalls: 0,
    });
  });

  it('answers unknown routes with a coded 404', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'API_NOT_FOUND', message: 'No route GET /api/nothing-here' });
  });

  it('serves the OpenAPI document', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Parley API' } });
  });

  it('serves Prometheus metrics', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('parley_active_calls 0');
  });
});

describe('server with an API key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ PARLEY_API_KEY: TEST_API_KEY });
  });
  afterAll(() => server.close());

  it('keeps every API route and /metrics behind the key', () => {
    const open = server.app.parleyRoutes.filter((route) => route.public && (route.url.startsWith('/api') || route.url === '/metrics'));
    expect(open).toEqual([]);
    const admin = server.app.parleyRoutes.filter((route) => !route.public).map((route) => `${route.method} ${route.url}`);
    // A sample of each API area, so the 401 test below cannot pass on a table that lost them.
    expect(admin).toEqual(
      expect.arrayContaining(['GET /api/flows', 'PUT /api/flows/:id', 'POST /api/flows/:id/publish', 'GET /api/calls', 'GET /api/calls/:id/events/live', 'POST /api/calls/:id/notes', 'DELETE /api/numbers/:number', 'GET /api/connectors']),
    );
  });

  it('refuses every admin route without the key (401), enumerated from the route table', async () => {
    const admin = server.app.parleyRoutes.filter((route) => !route.public && route.method !== 'HEAD');
    expect(admin.length).toBeGreaterThan(0);
    for (const route of admin) {
      const url = route.url.replace(/:([A-Za-z]+)/g, 'x').replace('*', 'x');
      const response = await server.app.inject({ method: route.method as 'GET', url, payload: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode, code: response.json().error?.code }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        code: 'API_UNAUTHORIZED',
      });
    }
  });

  it('refuses a wrong key, accepts the right one as bearer or x-api-key', async () => {
    const wrong = await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer not-the-key-at-all' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('The API key is wrong.');
    const bearer = await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(bearer.statusCode).toBe(200);
    const header = await server.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': TEST_API_KEY } });
    expect(header.statusCode).toBe(200);
  });

  it('keeps health, the API docs and the home page public', async () => {
    const home = await server.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toContain('text/html');
    expect(home.body).toContain('Parley is running');
    expect(home.body).toContain('Authorization: Bearer &lt;PARLEY_API_KEY&gt;');
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });
});
