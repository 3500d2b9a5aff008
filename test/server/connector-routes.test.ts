import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/connectors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('serves the catalog of the connector host: operations with schemas, and what cannot run', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/connectors' });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as { items: Array<{ name: string; configured: boolean; problem?: { code: string; message: string }; operations: Array<{ name: string; use: string; input: unknown; output: unknown; idempotent: boolean }> }> };
    const catalog = server.engine.connectors.catalog();
    expect(items.map((c) => c.name)).toEqual(Object.keys(catalog).sort());
    expect(items.map((c) => c.name)).toEqual(expect.arrayContaining(['calendar', 'crm', 'http', 'sms']));
    for (const connector of items) {
      const source = catalog[connector.name]!;
      expect(connector.operations.map((o) => o.name)).toEqual(Object.keys(source.operations));
      for (const operation of connector.operations) {
        expect(operation.use).toBe(`${connector.name}.${operation.name}`);
        // Schemas come through whole (not cut down by the response serializer).
        expect(operation.input).toEqual(source.operations[operation.name]!.input);
        expect(operation.output).toEqual(source.operations[operation.name]!.output);
      }
    }
    // The test environment has no Twilio credentials: SMS is listed, not configured, and says which variables to set.
    const sms = items.find((c) => c.name === 'sms')!;
    expect(sms.configured).toBe(false);
    expect(sms.problem?.code).toBe('CONNECTOR_NOT_CONFIGURED');
    expect(sms.problem?.message).toMatch(/TWILIO_/);
    expect(items.find((c) => c.name === 'calendar')).toMatchObject({ configured: true });
  });

  it('serves one connector, and a coded 404 for an unknown name', async () => {
    const calendar = await server.app.inject({ method: 'GET', url: '/api/connectors/calendar' });
    expect(calendar.statusCode).toBe(200);
    expect(calendar.json().operations.map((o: { use: string }) => o.use)).toContain('calendar.findSlots');
    for (const name of ['nope', 'constructor', '__proto__']) {
      const missing = await server.app.inject({ method: 'GET', url: `/api/connectors/${name}` });
      expect({ name, status: missing.statusCode, code: missing.json().error.code }).toEqual({ name, status: 404, code: 'API_NOT_FOUND' });
    }
  });

  it('never returns secret values', async () => {
    const secret = 'tok-0123456789abcdef-secret';
    const withSecrets = await createTestServer({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: secret });
    try {
      const response = await withSecrets.app.inject({ method: 'GET', url: '/api/connectors' });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(secret);
    } finally {
      await withSecrets.close();
    }
  });
});
