import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../engine/types/flow.generated.js';
import { minimalFlow } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/flows publishing: validate, publish, rollback', () => {
  let server: TestServer;
  const post = (url: string, payload?: object) => server.app.inject({ method: 'POST', url, ...(payload !== undefined ? { payload } : {}) });
  const repo = () => server.engine.repositories.flows;
  /** A flow's record and versions: what "nothing changed" is checked against. */
  const state = async (id: string) => ({ flow: await repo().get(id), versions: (await repo().listVersions(id)).items });
  const withGuidance = (id: string, guidance: string): Flow => {
    const flow = minimalFlow(id);
    flow.stages.greeting!.guidance = guidance;
    return flow;
  };

  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('publishes the draft as numbered versions with notes; the current version moves', async () => {
    await repo().create(minimalFlow('clinic'));
    const first = await post('/api/flows/clinic/publish', { notes: 'First cut', author: 'Dana' });
    expect(first.statusCode).toBe(201);
    expect(first.headers.location).toBe('/api/flows/clinic/versions/1');
    expect(first.json()).toMatchObject({ flowId: 'clinic', version: 1, notes: 'First cut', author: 'Dana', document: minimalFlow('clinic'), lint: { valid: true } });

    await repo().saveDraft('clinic', withGuidance('clinic', 'Welcome!'));
    // No body at all is fine too.
    const second = await post('/api/flows/clinic/publish');
    expect(second.json()).toMatchObject({ version: 2, document: { stages: { greeting: { guidance: 'Welcome!' } } } });
    const detail = (await server.app.inject({ method: 'GET', url: '/api/flows/clinic' })).json();
    expect(detail).toMatchObject({ currentVersion: 2, current: { version: 2 } });
  });

  it('publishes only the revision asked for, and nothing when the draft equals the current version', async () => {
    await repo().create(minimalFlow('guarded'));
    await repo().saveDraft('guarded', withGuidance('guarded', 'Second'));
    const before = await state('guarded');
    const stale = await post('/api/flows/guarded/publish', { revision: 1 });
    expect({ status: stale.statusCode, code: stale.json().error.code }).toEqual({ status: 409, code: 'FLOW_DRAFT_CONFLICT' });
    expect(await state('guarded')).toEqual(before);
    expect((await post('/api/flows/guarded/publish', { revision: 2 })).statusCode).toBe(201);
    const after = await state('guarded');
    const again = await post('/api/flows/guarded/publish', { notes: 'double click' });
    expect({ status: again.statusCode, code: again.json().error.code }).toEqual({ status: 409, code: 'API_CONFLICT' });
    expect(await state('guarded')).toEqual(after);
  });

  it('refuses to publish a draft with lint errors, returning the findings and changing nothing', async () => {
    await repo().create(minimalFlow('broken'));
    await post('/api/flows/broken/publish');
    const bad = minimalFlow('broken');
    bad.stages.greeting!.next![0]!.to = 'closng';
    bad.tools = { lookup: { use: 'crm.noSuchOperation' } };
    bad.stages.greeting!.tools = ['lookup'];
    await repo().saveDraft('broken', bad);
    const before = await state('broken');

    const refused = await post('/api/flows/broken/publish', { notes: 'should not happen' });
    expect(refused.statusCode).toBe(422);
    const { error } = refused.json();
    expect(error.code).toBe('API_PUBLISH_REFUSED');
    expect(error.message).toMatch(/^Revision 2 of the draft of "broken" has \d+ errors?, so it was not published/);
    expect(error.details).toMatchObject({ flowId: 'broken', revision: 2 });
    const codes = error.details.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain('FLOW_UNKNOWN_STAGE');
    // Checked against the connector catalog.
    expect(codes).toContain('FLOW_UNKNOWN_OPERATION');
    expect(error.details.errorCount).toBe(error.details.findings.filter((f: { severity: string }) => f.severity === 'error').length);
    expect(await state('broken')).toEqual(before);

    const report = (await post('/api/flows/broken/validate')).json();
    expect(report).toMatchObject({ valid: false, errorCount: error.details.errorCount });
    expect(report.findings).toEqual(error.details.findings);
  });

  it('rolls back by publishing an older version again, leaving the draft alone', async () => {
    await repo().create(minimalFlow('rolling'));
    await post('/api/flows/rolling/publish');
    await repo().saveDraft('rolling', withGuidance('rolling', 'New'));
    await post('/api/flows/rolling/publish');
    const rolled = await post('/api/flows/rolling/rollback', { version: 1, notes: 'v2 confused callers' });
    expect(rolled.statusCode).toBe(201);
    expect(rolled.json()).toMatchObject({ version: 3, rollbackOf: 1, notes: 'v2 confused callers', document: minimalFlow('rolling') });
    const { flow, versions } = await state('rolling');
    expect(flow).toMatchObject({ currentVersion: 3, draft: { stages: { greeting: { guidance: 'New' } } } });
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    const defaultNotes = await post('/api/flows/rolling/rollback', { version: 2 });
    expect(defaultNotes.json()).toMatchObject({ version: 4, rollbackOf: 2, notes: 'Rollback to version 2' });
  });

  it('refuses to roll back to a version that no longer passes the linter', async () => {
    await repo().create(minimalFlow('stale-tool'));
    // Published straight through the repository, as if before the connector lost the operation.
    const stale = minimalFlow('stale-tool');
    stale.tools = { lookup: { use: 'crm.retiredOperation' } };
    stale.stages.greeting!.tools = ['lookup'];
    await repo().publish('stale-tool', { document: stale });
    await post('/api/flows/stale-tool/publish');
    const before = await state('stale-tool');
    const refused = await post('/api/flows/stale-tool/rollback', { version: 1 });
    expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({ status: 422, code: 'API_PUBLISH_REFUSED' });
    expect(refused.json().error.details).toMatchObject({ flowId: 'stale-tool', version: 1 });
    expect(await state('stale-tool')).toEqual(before);
  });

  it('answers unknown flows and versions and malformed bodies with coded errors, changing nothing', async () => {
    await repo().create(minimalFlow('steady'));
    await post('/api/flows/steady/publish');
    const before = await state('steady');
    const cases: Array<[string, object | undefined, number, string]> = [
      ['/api/flows/nope/publish', undefined, 404, 'FLOW_NOT_FOUND'],
      ['/api/flows/nope/validate', undefined, 404, 'FLOW_NOT_FOUND'],
      ['/api/flows/nope/rollback', { version: 1 }, 404, 'FLOW_NOT_FOUND'],
      ['/api/flows/steady/rollback', { version: 7 }, 404, 'FLOW_VERSION_NOT_FOUND'],
      ['/api/flows/steady/rollback', {}, 400, 'API_BAD_REQUEST'],
      ['/api/flows/steady/rollback', { version: 0 }, 400, 'API_BAD_REQUEST'],
      ['/api/flows/steady/rollback', { version: 1, reason: 'x' }, 400, 'API_BAD_REQUEST'],
      ['/api/flows/steady/publish', { note: 'typo' }, 400, 'API_BAD_REQUEST'],
      ['/api/flows/steady/publish', { revision: 'latest' }, 400, 'API_BAD_REQUEST'],
      ['/api/flows/steady/publish', { notes: 'x'.repeat(2001) }, 400, 'API_BAD_REQUEST'],
    ];
    for (const [url, payload, status, code] of cases) {
      const response = await post(url, payload);
      expect({ url, payload, status: response.statusCode, code: response.json().error?.code }).toEqual({ url, payload, status, code });
    }
    const notJson = await server.app.inject({ method: 'POST', url: '/api/flows/steady/publish', headers: { 'content-type': 'application/json' }, payload: '{notes:' });
    expect({ status: notJson.statusCode, code: notJson.json().error.code }).toEqual({ status: 400, code: 'API_INVALID_JSON' });
    expect(await state('steady')).toEqual(before);
  });
});
