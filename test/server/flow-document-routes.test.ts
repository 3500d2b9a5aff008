import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../engine/types/flow.generated.js';
import { minimalFlow, minimalFlowYaml } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('/api/flows (create, save draft, validate)', () => {
  let server: TestServer;
  const yaml = { 'content-type': 'application/yaml' };
  const send = (method: 'POST' | 'PUT', url: string, payload: string | object, headers: Record<string, string> = {}) =>
    server.app.inject({ method, url, payload, headers: typeof payload === 'string' && !headers['content-type'] ? { ...headers, 'content-type': 'application/json' } : headers });
  /** Every stored flow with its draft: what "nothing changed" is checked against. */
  const everything = async () => {
    const { items } = await server.engine.repositories.flows.list();
    return Promise.all(items.map((flow) => server.engine.repositories.flows.get(flow.id)));
  };

  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('creates a flow from JSON, with the linter\'s report, Location and ETag', async () => {
    const response = await send('POST', '/api/flows', minimalFlow('from-json'));
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe('/api/flows/from-json');
    expect(response.headers.etag).toBe('"1"');
    expect(response.json()).toMatchObject({
      id: 'from-json',
      revision: 1,
      currentVersion: null,
      current: null,
      draft: minimalFlow('from-json'),
      lint: { valid: true, errorCount: 0, warningCount: 0, findings: [] },
    });
  });

  it('creates a flow from YAML', async () => {
    const response = await send('POST', '/api/flows', minimalFlowYaml('from-yaml'), yaml);
    expect(response.statusCode).toBe(201);
    expect(response.json().draft).toEqual(minimalFlow('from-yaml'));
  });

  it('stores a draft with errors (they block publishing, not saving) and reports them with line and column', async () => {
    const text = minimalFlowYaml('with-errors').replace('- { to: closing,', '- { to: closng,');
    const response = await send('POST', '/api/flows', text, yaml);
    expect(response.statusCode).toBe(201);
    const { lint } = response.json();
    expect(lint.valid).toBe(false);
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ code: 'FLOW_UNKNOWN_STAGE', severity: 'error', pointer: '/stages/greeting/next/0/to', position: { line: 11, column: 15 } }),
    );
    expect((await server.engine.repositories.flows.get('with-errors')).draft.stages.greeting!.next![0]!.to).toBe('closng');
  });

  it('refuses documents that are not readable flows with API_FLOW_INVALID and the findings, storing nothing', async () => {
    const before = await everything();
    const typo = { ...minimalFlow('typo'), stages: { greeting: { guidence: 'Hi', next: [{ to: 'bye', intent: 'done' }] }, bye: { type: 'end' } } };
    const cases: Array<[string, string | object, Record<string, string>, string, { line: number; column: number } | undefined]> = [
      ['broken YAML', 'id: broken\nname: [Broken\nagent: {}\n', yaml, 'FLOW_SYNTAX', { line: 3, column: 1 }],
      ['broken JSON', '{\n  "id": "broken",\n  "name": \n}', {}, 'FLOW_SYNTAX', { line: 4, column: 1 }],
      ['empty body', '', {}, 'FLOW_SYNTAX', undefined],
      ['duplicate YAML key', minimalFlowYaml('dup') + 'initial: closing\n', yaml, 'FLOW_DUPLICATE_KEY', { line: 15, column: 1 }],
      ['unknown property', typo, {}, 'FLOW_UNKNOWN_PROPERTY', undefined],
      ['missing required field', { id: 'no-stages', name: 'x', agent: { instructions: 'x' }, initial: 'a' }, {}, 'FLOW_MISSING_PROPERTY', undefined],
      ['bad id', { ...minimalFlow(), id: 'Bad Id' }, {}, 'FLOW_SCHEMA', undefined],
      ['not an object', '[1, 2, 3]', {}, 'FLOW_SCHEMA', undefined],
    ];
    for (const [name, payload, headers, code, position] of cases) {
      const response = await send('POST', '/api/flows', payload, headers);
      const error = response.json().error;
      expect({ name, status: response.statusCode, code: error?.code }).toEqual({ name, status: 422, code: 'API_FLOW_INVALID' });
      expect(error.details.findings).toContainEqual(expect.objectContaining({ code, severity: 'error', ...(position ? { position } : {}) }));
      expect(error.message).toMatch(/^The flow document is not valid: /);
    }
    expect(await everything()).toEqual(before);
  });

  it('refuses a second flow with the same id, and other content types', async () => {
    const before = await everything();
    const again = await send('POST', '/api/flows', minimalFlow('from-json'));
    expect({ status: again.statusCode, code: again.json().error.code }).toEqual({ status: 409, code: 'FLOW_EXISTS' });
    const text = await server.app.inject({ method: 'POST', url: '/api/flows', headers: { 'content-type': 'text/plain' }, payload: minimalFlowYaml('plain') });
    expect({ status: text.statusCode, code: text.json().error.code }).toEqual({ status: 415, code: 'API_UNSUPPORTED_MEDIA_TYPE' });
    const form = await server.app.inject({ method: 'POST', url: '/api/flows', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'id=x' });
    expect({ status: form.statusCode, code: form.json().error.code }).toEqual({ status: 415, code: 'API_UNSUPPORTED_MEDIA_TYPE' });
    const nothing = await server.app.inject({ method: 'POST', url: '/api/flows' });
    expect({ status: nothing.statusCode, code: nothing.json().error.code }).toEqual({ status: 400, code: 'API_BAD_REQUEST' });
    expect(nothing.json().error.message).toMatch(/Send the flow document as the request body/);
    expect(await everything()).toEqual(before);
  });

  it('saves the draft with If-Match, refusing a stale revision, a changed id, an unknown flow and invalid documents', async () => {
    await send('POST', '/api/flows', minimalFlow('editing'));
    const edited: Flow = minimalFlow('editing');
    edited.stages.greeting!.guidance = 'Welcome!';
    const saved = await send('PUT', '/api/flows/editing', edited, { 'if-match': '"1"' });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    expect(saved.json()).toMatchObject({ revision: 2, draft: { stages: { greeting: { guidance: 'Welcome!' } } }, lint: { valid: true } });
    const asYaml = await send('PUT', '/api/flows/editing', minimalFlowYaml('editing'), { ...yaml, 'if-match': '2' });
    expect(asYaml.json()).toMatchObject({ revision: 3, draft: { stages: { greeting: { guidance: 'Greet the caller and ask how you can help.' } } } });

    const before = await everything();
    const cases: Array<[string, string | object, Record<string, string>, number, string]> = [
      ['stale revision', edited, { 'if-match': '"2"' }, 409, 'FLOW_DRAFT_CONFLICT'],
      ['malformed If-Match', edited, { 'if-match': 'yesterday' }, 400, 'API_BAD_REQUEST'],
      ['changed id', minimalFlow('renamed'), {}, 422, 'FLOW_ID_MISMATCH'],
      ['invalid document', { ...edited, stages: 'none' }, {}, 422, 'API_FLOW_INVALID'],
      ['broken YAML', 'id: editing\n  name: x', yaml, 422, 'API_FLOW_INVALID'],
    ];
    for (const [name, payload, headers, status, code] of cases) {
      const response = await send('PUT', '/api/flows/editing', payload, headers);
      expect({ name, status: response.statusCode, code: response.json().error?.code }).toEqual({ name, status, code });
    }
    const unknown = await send('PUT', '/api/flows/nope', minimalFlow('nope'));
    expect({ status: unknown.statusCode, code: unknown.json().error.code }).toEqual({ status: 404, code: 'FLOW_NOT_FOUND' });
    expect(await everything()).toEqual(before);
  });

  it('keeps a YAML document\'s comments: the draft and the versions published from it come back as sent, until saved otherwise', async () => {
    const text = minimalFlowYaml('commented').replace('  closing:\n', '  # Say goodbye and hang up.\n  closing:\n');
    expect(text).toContain('# The smallest useful flow');
    const created = await send('POST', '/api/flows', text, yaml);
    expect(created.statusCode).toBe(201);
    expect(created.json()).not.toHaveProperty('draftYaml');
    const asYaml = (url: string) => server.app.inject({ method: 'GET', url, headers: { accept: 'application/yaml' } });
    expect((await asYaml('/api/flows/commented')).body).toBe(text);
    expect((await server.app.inject({ method: 'GET', url: '/api/flows/commented' })).json()).not.toHaveProperty('draftYaml');

    const published = await server.app.inject({ method: 'POST', url: '/api/flows/commented/publish', payload: {} });
    expect(published.statusCode).toBe(201);
    expect(published.json()).not.toHaveProperty('documentYaml');
    expect((await asYaml('/api/flows/commented/versions/1')).body).toBe(text);

    // Saved as JSON, changed: the YAML is generated from the new draft; the version keeps its text.
    const renamed = { ...minimalFlow('commented'), name: 'Renamed' };
    expect((await send('PUT', '/api/flows/commented', renamed)).statusCode).toBe(200);
    const generated = (await asYaml('/api/flows/commented')).body;
    expect(generated).not.toContain('#');
    expect(generated).toContain('name: Renamed');
    expect((await asYaml('/api/flows/commented/versions/1')).body).toBe(text);

    const again = text.replace('name: Minimal', 'name: Minimal # again');
    expect((await send('PUT', '/api/flows/commented', again, yaml)).statusCode).toBe(200);
    expect((await asYaml('/api/flows/commented')).body).toBe(again);
  });

  it('validates a document without saving it: findings with positions for YAML, pointers for JSON', async () => {
    const before = await everything();
    const text = minimalFlowYaml('checked').replace('to: closing', 'to: closng');
    const report = await send('POST', '/api/flows/validate', text, yaml);
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({ valid: false, errorCount: 1 });
    expect(report.json().findings[0]).toMatchObject({ code: 'FLOW_UNKNOWN_STAGE', position: { line: 11, column: 15 }, hint: 'Did you mean `closing`?' });

    const broken = await send('POST', '/api/flows/validate', 'id: x\nname: [oops\n', yaml);
    expect(broken.statusCode).toBe(200);
    expect(broken.json()).toMatchObject({ valid: false, findings: [expect.objectContaining({ code: 'FLOW_SYNTAX' })] });

    const good = await send('POST', '/api/flows/validate', minimalFlow('checked'));
    expect(good.json()).toEqual({ valid: true, errorCount: 0, warningCount: 0, findings: [] });

    // The connector catalog is part of the check: an operation no connector offers is an error.
    const tool = { ...minimalFlow('checked'), tools: { lookup: { use: 'calendar.noSuchOperation' } } };
    tool.stages.greeting!.tools = ['lookup'];
    const withTool = (await send('POST', '/api/flows/validate', tool)).json();
    expect(withTool.findings).toContainEqual(expect.objectContaining({ code: 'FLOW_UNKNOWN_OPERATION', pointer: '/tools/lookup/use' }));
    expect(await everything()).toEqual(before);
  });
});
