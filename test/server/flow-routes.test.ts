import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalFlow } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/flows (reading, deleting, history, diff)', () => {
  let server: TestServer;
  const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers });
  const repo = () => server.engine.repositories.flows;

  beforeAll(async () => {
    server = await createTestServer();
    // `clinic`: published twice, draft edited since; `draft-only`: never published; `routed`: has a number.
    await repo().create(minimalFlow('clinic', 'Clinic'));
    await repo().publish('clinic', { notes: 'first', author: 'Dana' });
    const v2 = minimalFlow('clinic', 'Clinic');
    v2.stages.greeting!.guidance = 'Greet the caller warmly.';
    await repo().saveDraft('clinic', v2);
    await repo().publish('clinic', { notes: 'warmer' });
    const draft = minimalFlow('clinic', 'Clinic');
    draft.stages.greeting!.next!.push({ to: 'human', dtmf: '0' });
    draft.stages.human = { type: 'transfer', transfer: { to: '+15125550199' } };
    await repo().saveDraft('clinic', draft);
    await repo().create(minimalFlow('draft-only'));
    await repo().create(minimalFlow('routed'));
    await server.engine.repositories.numbers.create({ number: '+15125550100', flowId: 'routed' });
  });
  afterAll(() => server.close());

  it('lists flows a page at a time', async () => {
    const first = await get('/api/flows?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((f: { id: string }) => f.id)).toEqual(['clinic', 'draft-only']);
    expect(first.json().items[0]).toMatchObject({ name: 'Clinic', revision: 3, currentVersion: 2 });
    expect(first.json().items[1]).toMatchObject({ currentVersion: null });
    expect(first.json().items[0].draft).toBeUndefined();
    const second = (await get(`/api/flows?limit=2&after=${first.json().next}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'routed' })] });
  });

  it('gets a flow with its draft and current version, the revision as ETag', async () => {
    const response = await get('/api/flows/clinic');
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"3"');
    const body = response.json();
    expect(body).toMatchObject({ id: 'clinic', revision: 3, currentVersion: 2, current: { version: 2, notes: 'warmer' } });
    expect(body.draft.stages.human).toEqual({ type: 'transfer', transfer: { to: '+15125550199' } });
    expect(body.current.document.stages.greeting.guidance).toBe('Greet the caller warmly.');
    expect((await get('/api/flows/draft-only')).json().current).toBeNull();
  });

  it('sends the draft or a version as YAML when asked', async () => {
    const draft = await get('/api/flows/clinic', { accept: 'application/yaml' });
    expect(draft.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(draft.body).toMatch(/^id: clinic\nname: Clinic\n/);
    expect(draft.body).toContain('  human:\n    type: transfer\n');
    const v1 = await get('/api/flows/clinic/versions/1', { accept: 'text/yaml' });
    expect(v1.body).toContain('guidance: Greet the caller and ask how you can help.');
  });

  it('lists versions newest first and gets one with its document', async () => {
    const list = (await get('/api/flows/clinic/versions')).json();
    expect(list.items).toEqual([
      expect.objectContaining({ flowId: 'clinic', version: 2, notes: 'warmer' }),
      expect.objectContaining({ flowId: 'clinic', version: 1, notes: 'first', author: 'Dana' }),
    ]);
    expect(list.items[0].document).toBeUndefined();
    const v1 = (await get('/api/flows/clinic/versions/1')).json();
    expect(v1).toMatchObject({ version: 1, document: { id: 'clinic' } });
    expect((await get('/api/flows/draft-only/versions')).json()).toEqual({ items: [] });
  });

  it('diffs the draft against the current version by default, and any two sides on request', async () => {
    const diff = (await get('/api/flows/clinic/diff')).json();
    expect(diff).toMatchObject({ flowId: 'clinic', from: { ref: '2', version: 2 }, to: { ref: 'draft', revision: 3 }, identical: false });
    expect(diff.summary).toEqual([
      'Stage `human` added (transfer)',
      'Stage `greeting`: guidance changed; transition to `human` added',
    ]);
    expect(diff.stages.changed[0].transitions.added).toEqual([{ key: 'human', to: 'human', triggers: ['dtmf 0'] }]);
    expect(diff.text).toContain('--- version 2\n+++ draft (revision 3)\n');
    expect(diff.text).toContain('-    guidance: Greet the caller warmly.\n+    guidance: Greet the caller and ask how you can help.\n');

    const between = (await get('/api/flows/clinic/diff?from=1&to=2')).json();
    expect(between.summary).toEqual(['Stage `greeting`: guidance changed']);
    const same = (await get('/api/flows/clinic/diff?from=2&to=2')).json();
    expect(same).toMatchObject({ identical: true, summary: [], text: '' });
  });

  it('deletes a flow, keeping its versions readable; refuses while numbers route to it', async () => {
    const refused = await server.app.inject({ method: 'DELETE', url: '/api/flows/routed' });
    expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({ status: 409, code: 'API_CONFLICT' });
    expect(refused.json().error.details.numbers).toEqual(['+15125550100']);
    expect((await get('/api/flows/routed')).statusCode).toBe(200);

    await repo().create(minimalFlow('temporary'));
    await repo().publish('temporary');
    const deleted = await server.app.inject({ method: 'DELETE', url: '/api/flows/temporary' });
    expect(deleted.statusCode).toBe(204);
    expect((await get('/api/flows/temporary')).json().error.code).toBe('FLOW_NOT_FOUND');
    expect((await get('/api/flows/temporary/versions/1')).json()).toMatchObject({ flowId: 'temporary', version: 1 });
  });

  it('answers unknown ids and malformed parameters with coded errors', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/flows/nope', 404, 'FLOW_NOT_FOUND'],
      ['/api/flows/nope/versions', 404, 'FLOW_NOT_FOUND'],
      ['/api/flows/clinic/versions/9', 404, 'FLOW_VERSION_NOT_FOUND'],
      ['/api/flows/clinic/versions/0', 400, 'API_BAD_REQUEST'],
      ['/api/flows/clinic/versions/two', 400, 'API_BAD_REQUEST'],
      ['/api/flows/Bad_Id', 400, 'API_BAD_REQUEST'],
      ['/api/flows/clinic/diff?from=9', 404, 'FLOW_VERSION_NOT_FOUND'],
      ['/api/flows/clinic/diff?from=latest', 400, 'API_BAD_REQUEST'],
      ['/api/flows/clinic/diff?to=0', 400, 'API_BAD_REQUEST'],
      ['/api/flows/clinic/diff?against=1', 400, 'API_BAD_REQUEST'],
      ['/api/flows/draft-only/diff', 404, 'FLOW_VERSION_NOT_FOUND'],
      ['/api/flows/nope/diff', 404, 'FLOW_NOT_FOUND'],
      ['/api/flows?limit=0', 400, 'API_BAD_REQUEST'],
      ['/api/flows?after=garbage!', 400, 'STORE_BAD_CURSOR'],
    ];
    for (const [url, status, code] of cases) {
      const response = await get(url);
      expect({ url, status: response.statusCode, code: response.json().error?.code }).toEqual({ url, status, code });
    }
    const missing = await server.app.inject({ method: 'DELETE', url: '/api/flows/nope' });
    expect({ status: missing.statusCode, code: missing.json().error.code }).toEqual({ status: 404, code: 'FLOW_NOT_FOUND' });
  });
});
