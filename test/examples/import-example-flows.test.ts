import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFlowImport, importExampleFlows } from '../../engine/examples/import-example-flows.js';
import { minimalFlow, minimalFlowYaml } from '../support/flow-documents.js';
import { createTestServer, type TestServer } from '../support/test-engine.js';

describe('importExampleFlows', () => {
  let server: TestServer;
  let folder: string;
  const run = () => importExampleFlows({ flows: server.engine.repositories.flows, catalog: server.engine.connectors.catalog(), folder });

  beforeEach(async () => {
    server = await createTestServer();
    folder = await mkdtemp(path.join(tmpdir(), 'parley-flows-'));
    await writeFile(path.join(folder, 'front-desk.yaml'), minimalFlowYaml('front-desk'));
    await writeFile(path.join(folder, 'after-hours.json'), JSON.stringify(minimalFlow('after-hours'), null, 2));
    await writeFile(path.join(folder, 'unfinished.yml'), minimalFlowYaml('unfinished').replace('to: closing', 'to: nowhere'));
    await writeFile(path.join(folder, 'broken.yaml'), 'id: broken\nname: [Broken\n');
    await writeFile(path.join(folder, 'z-copy.yaml'), minimalFlowYaml('front-desk'));
    await writeFile(path.join(folder, 'README.md'), '# not a flow');
    // A flow test beside its flow: not a flow, never imported (not even as a failure).
    await writeFile(path.join(folder, 'front-desk.test.yaml'), 'cases: [ { name: greets, turns: [ { caller: Hello } ] } ]\n');
  });
  afterEach(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('imports into an empty store: lint-clean flows published, flows with errors as drafts, unreadable files listed', async () => {
    const report = await run();
    expect(report).toEqual({
      folder,
      published: ['after-hours', 'front-desk'],
      drafts: [{ id: 'unfinished', errors: 1 }],
      failed: [
        { file: 'broken.yaml', reason: expect.stringMatching(/^line 3: Not valid YAML/) },
        { file: 'z-copy.yaml', reason: 'a flow with the id "front-desk" already exists' },
      ],
    });
    const flows = server.engine.repositories.flows;
    expect(await flows.get('front-desk')).toMatchObject({ currentVersion: 1, draft: minimalFlow('front-desk') });
    expect((await flows.getCurrent('front-desk'))?.notes).toBe('Imported from front-desk.yaml');
    expect(await flows.get('unfinished')).toMatchObject({ currentVersion: null });
    // The YAML files' text (their comments) is kept with the draft and the published version; JSON has none to keep.
    expect((await flows.get('front-desk')).draftYaml).toBe(minimalFlowYaml('front-desk'));
    expect((await flows.getCurrent('front-desk'))?.documentYaml).toBe(minimalFlowYaml('front-desk'));
    expect(await flows.get('after-hours')).not.toHaveProperty('draftYaml');
    expect((await flows.list()).items.map((f) => f.id)).toEqual(['after-hours', 'front-desk', 'unfinished']);
    expect(describeFlowImport(report)).toBe(
      `Imported 3 example flows from ${folder}: 2 published; 1 left as draft with errors (unfinished: 1 error; see POST /api/flows/<id>/validate); not imported: broken.yaml (${report.failed[0]!.reason}); z-copy.yaml (a flow with the id "front-desk" already exists).`,
    );
  });

  it('never touches a store that has flows: running again changes nothing', async () => {
    await run();
    const before = await server.engine.repositories.flows.list();
    await writeFile(path.join(folder, 'new.yaml'), minimalFlowYaml('new'));
    const again = await run();
    expect(again).toMatchObject({ skipped: 'store-not-empty', published: [], drafts: [] });
    expect(describeFlowImport(again)).toBeUndefined();
    expect(await server.engine.repositories.flows.list()).toEqual(before);
  });

  it('says so when the folder is missing, and nothing when disabled', async () => {
    const missing = await importExampleFlows({ flows: server.engine.repositories.flows, catalog: {}, folder: path.join(folder, 'nope') });
    expect(describeFlowImport(missing)).toBe(`No example flows imported: ${path.join(folder, 'nope')} does not exist.`);
    const disabled = await importExampleFlows({ flows: server.engine.repositories.flows, catalog: {}, folder: '' });
    expect(disabled.skipped).toBe('disabled');
    expect(describeFlowImport(disabled)).toBeUndefined();
  });
});
