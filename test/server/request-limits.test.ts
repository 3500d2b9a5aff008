import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalFlow, minimalFlowYaml } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('request limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ PARLEY_BODY_LIMIT: '4096' });
  });
  afterAll(() => server.close());

  it('refuses bodies over PARLEY_BODY_LIMIT with 413, JSON or YAML, storing nothing', async () => {
    const call = await server.engine.repositories.calls.create({ flowId: 'f', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
    const big = minimalFlow('big');
    big.description = 'x'.repeat(5000);
    const cases: Array<[string, string, string]> = [
      ['/api/flows', 'application/json', JSON.stringify(big)],
      ['/api/flows', 'application/yaml', `${minimalFlowYaml('big')}description: ${'x'.repeat(5000)}\n`],
      ['/api/flows/validate', 'application/yaml', `${minimalFlowYaml('big')}description: ${'x'.repeat(5000)}\n`],
      [`/api/calls/${call.id}/notes`, 'application/json', JSON.stringify({ text: 'x'.repeat(5000) })],
      ['/api/numbers', 'application/json', JSON.stringify({ number: '+15125550100', flowId: 'big', context: { filler: 'x'.repeat(5000) } })],
    ];
    for (const [url, type, payload] of cases) {
      const response = await server.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect({ url, type, status: response.statusCode, code: response.json().error.code }).toEqual({ url, type, status: 413, code: 'API_PAYLOAD_TOO_LARGE' });
    }
    expect((await server.engine.repositories.flows.list()).items).toEqual([]);
    expect((await server.engine.repositories.numbers.list()).items).toEqual([]);
    expect((await server.engine.repositories.calls.get(call.id)).lastSeq).toBe(0);
  });

  it('rate-limits the public health endpoint per client', async () => {
    let response;
    let allowed = 0;
    for (let i = 0; i < 400; i++) {
      response = await server.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.9' });
      if (response.statusCode !== 200) break;
      allowed++;
    }
    expect(allowed).toBe(300);
    expect(response!.statusCode).toBe(429);
    expect(response!.json().error.code).toBe('API_RATE_LIMITED');
    expect(Number(response!.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await server.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.10' })).statusCode).toBe(200);
  });
});
