import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Flow } from '../../engine/types/flow.generated.js';
import { createFlowRepository, type FlowRepository } from '../../engine/store/flow-repository.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { createManualClock } from '../../engine/util/clock.js';
import { runFixture } from './child-process.js';
import { describeOnStores, type OpenedStore } from './store-targets.js';

/** A minimal flow document; `$schema` and a JSON Schema `$ref` check that such keys survive storage. */
function flowDoc(id: string, greeting = 'Hello.'): Flow {
  return {
    $schema: '../schemas/flow.schema.json',
    id,
    name: `Flow ${id}`,
    agent: { instructions: 'You are a helpful receptionist.' },
    context: { schema: { type: 'object', properties: { patient: { $ref: '#/$defs/patient' } }, $defs: { patient: { type: 'object' } } } },
    initial: 'greeting',
    stages: { greeting: { guidance: greeting } },
  } as unknown as Flow;
}

describeOnStores('flow repository', (target) => {
  let opened: OpenedStore;
  let flows: FlowRepository;
  const clock = createManualClock();
  let n = 0;
  const freshId = () => `flow-${++n}`;

  beforeAll(async () => {
    opened = await target.open();
    flows = await createFlowRepository(opened.store, { clock });
  });
  afterAll(async () => opened?.dispose());

  it('creates a flow with its draft at revision 1, not yet published', async () => {
    const id = freshId();
    const created = await flows.create(flowDoc(id), { author: 'ana' });
    expect(created).toEqual({
      id,
      name: `Flow ${id}`,
      draft: flowDoc(id),
      revision: 1,
      createdAt: '2026-01-05T15:00:00.000Z',
      updatedAt: '2026-01-05T15:00:00.000Z',
      updatedBy: 'ana',
      currentVersion: null,
    });
    expect(await flows.get(id)).toEqual(created);
    expect(JSON.stringify((await flows.get(id)).draft)).toBe(JSON.stringify(flowDoc(id)));
    expect(await flows.getCurrent(id)).toBeNull();
  });

  it('keeps the YAML text a draft was saved from, publishes it with the document, and drops it on a save without one', async () => {
    const id = freshId();
    const text = `# comments live here\nid: ${id}\n`;
    const created = await flows.create(flowDoc(id), { yaml: text });
    expect(created.draftYaml).toBe(text);
    expect((await flows.get(id)).draftYaml).toBe(text);
    expect((await flows.list()).items.find((flow) => flow.id === id)).not.toHaveProperty('draftYaml');

    const v1 = await flows.publish(id);
    expect(v1.documentYaml).toBe(text);
    const edited = `# edited\nid: ${id}\n`;
    expect((await flows.saveDraft(id, flowDoc(id, 'Hi.'), { yaml: edited })).draftYaml).toBe(edited);
    const v2 = await flows.publish(id, { document: flowDoc(id, 'Hi.'), yaml: edited });
    expect((await flows.getVersion(id, v2.version)).documentYaml).toBe(edited);

    const asJson = await flows.saveDraft(id, flowDoc(id, 'Hey.'));
    expect(asJson).not.toHaveProperty('draftYaml');
    expect(await flows.get(id)).not.toHaveProperty('draftYaml');
    expect((await flows.publish(id)).documentYaml).toBeUndefined();
    // A rollback publishes the old document with its text.
    expect((await flows.rollback(id, 1)).documentYaml).toBe(text);
    expect((await flows.listVersions(id)).items.every((version) => !('documentYaml' in version))).toBe(true);
  });

  it('refuses a second flow with the same id, a bad id, and unknown ids', async () => {
    const id = freshId();
    await flows.create(flowDoc(id));
    await expect(flows.create(flowDoc(id))).rejects.toMatchObject({ code: 'FLOW_EXISTS', details: { flowId: id } });
    await expect(flows.create(flowDoc('Bad Id'))).rejects.toMatchObject({ code: 'STORE_BAD_DOCUMENT' });
    await expect(flows.get('nope')).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND', status: 404 });
    await expect(flows.saveDraft('nope', flowDoc('nope'))).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND' });
    await expect(flows.publish('nope')).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND' });
    await expect(flows.delete('nope')).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND' });
  });

  it('saves drafts, counting revisions, and detects a concurrent edit', async () => {
    const id = freshId();
    await flows.create(flowDoc(id));
    clock.advance(1000);
    const saved = await flows.saveDraft(id, flowDoc(id, 'Hi there.'), { expectedRevision: 1, author: 'ben' });
    expect(saved).toMatchObject({ revision: 2, updatedBy: 'ben', updatedAt: '2026-01-05T15:00:01.000Z' });
    expect((await flows.get(id)).draft.stages.greeting).toEqual({ guidance: 'Hi there.' });
    await expect(flows.saveDraft(id, flowDoc(id, 'Stale.'), { expectedRevision: 1 })).rejects.toMatchObject({
      code: 'FLOW_DRAFT_CONFLICT',
      details: { revision: 2, expectedRevision: 1 },
    });
    expect((await flows.get(id)).draft.stages.greeting).toEqual({ guidance: 'Hi there.' });
    expect((await flows.saveDraft(id, flowDoc(id, 'Forced.'))).revision).toBe(3);
    await expect(flows.saveDraft(id, flowDoc('other-id'))).rejects.toMatchObject({ code: 'FLOW_ID_MISMATCH' });
  });

  it('publishes immutable numbered versions with notes, author and time, and moves the current pointer', async () => {
    const id = freshId();
    await flows.create(flowDoc(id, 'One.'));
    clock.set(Date.UTC(2026, 1, 1));
    const v1 = await flows.publish(id, { notes: 'first', author: 'ana' });
    expect(v1).toEqual({ flowId: id, version: 1, document: flowDoc(id, 'One.'), notes: 'first', author: 'ana', publishedAt: '2026-02-01T00:00:00.000Z' });
    await flows.saveDraft(id, flowDoc(id, 'Two.'));
    clock.advance(60_000);
    const v2 = await flows.publish(id, { notes: 'second' });
    expect(v2.version).toBe(2);
    expect((await flows.get(id)).currentVersion).toBe(2);
    expect((await flows.getCurrent(id))?.document.stages.greeting).toEqual({ guidance: 'Two.' });
    // Version 1 did not change with the draft.
    expect((await flows.getVersion(id, 1)).document.stages.greeting).toEqual({ guidance: 'One.' });
    const explicit = await flows.publish(id, { document: flowDoc(id, 'Three.') });
    expect(explicit.version).toBe(3);
    await expect(flows.publish(id, { document: flowDoc('someone-else') })).rejects.toMatchObject({ code: 'FLOW_ID_MISMATCH' });
    for (const bad of [0, 4, 1.5, -1]) await expect(flows.getVersion(id, bad)).rejects.toMatchObject({ code: 'FLOW_VERSION_NOT_FOUND' });
  });

  it('lists versions newest first, a page at a time, without their documents', async () => {
    const id = freshId();
    await flows.create(flowDoc(id));
    for (let i = 1; i <= 5; i++) await flows.publish(id, { notes: `v${i}` });
    const first = await flows.listVersions(id, { limit: 2 });
    expect(first.items.map((v) => v.version)).toEqual([5, 4]);
    expect(first.items[0]).not.toHaveProperty('document');
    const second = await flows.listVersions(id, { limit: 2, after: first.next });
    const third = await flows.listVersions(id, { limit: 2, after: second.next });
    expect([...second.items, ...third.items].map((v) => v.notes)).toEqual(['v3', 'v2', 'v1']);
    expect(third.next).toBeUndefined();
  });

  it('rolls back by publishing an older version\'s document as a new version', async () => {
    const id = freshId();
    await flows.create(flowDoc(id, 'Good.'));
    await flows.publish(id);
    await flows.saveDraft(id, flowDoc(id, 'Broken.'));
    await flows.publish(id);
    const back = await flows.rollback(id, 1, { author: 'ops' });
    expect(back).toMatchObject({ version: 3, rollbackOf: 1, notes: 'Rollback to version 1', author: 'ops' });
    expect(back.document).toEqual(flowDoc(id, 'Good.'));
    expect((await flows.getCurrent(id))?.version).toBe(3);
    // The draft is the editor's, untouched by a rollback.
    expect((await flows.get(id)).draft.stages.greeting).toEqual({ guidance: 'Broken.' });
    await expect(flows.rollback(id, 9)).rejects.toMatchObject({ code: 'FLOW_VERSION_NOT_FOUND' });
  });

  it('deleting a flow keeps its versions for call history; a flow made again continues the numbering', async () => {
    const id = freshId();
    await flows.create(flowDoc(id, 'Old.'));
    await flows.publish(id);
    await flows.publish(id);
    await flows.delete(id);
    await expect(flows.get(id)).rejects.toMatchObject({ code: 'FLOW_NOT_FOUND' });
    expect((await flows.getVersion(id, 2)).document.stages.greeting).toEqual({ guidance: 'Old.' });
    await flows.create(flowDoc(id, 'New.'));
    expect(await flows.getCurrent(id)).toBeNull();
    expect((await flows.publish(id)).version).toBe(3);
    expect((await flows.getVersion(id, 1)).document.stages.greeting).toEqual({ guidance: 'Old.' });
  });

  it('lists flows by id, a page at a time, without drafts', async () => {
    const page = await flows.list({ limit: 3 });
    expect(page.items.length).toBe(3);
    expect(page.items[0]).not.toHaveProperty('draft');
    const ids: string[] = page.items.map((f) => f.id);
    let after = page.next;
    for (let guard = 0; after && guard < 20; guard++) {
      const next = await flows.list({ limit: 3, after });
      ids.push(...next.items.map((f) => f.id));
      after = next.next;
    }
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe((await flows.list()).items.length);
  });

  it('gives 20 concurrent publishers 20 different, gap-free numbers', async () => {
    const id = freshId();
    await flows.create(flowDoc(id));
    const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => flows.publish(id, { notes: `p${i}` })));
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await flows.get(id)).currentVersion).toBe(20);
  });

  it.skipIf(target.label !== 'sqlite')('two server processes on one SQLite file: publishes do not collide and both read the same current version', async () => {
    const id = freshId();
    await flows.create(flowDoc(id, 'Shared.'));
    // A second store on the same file in this process, and a third in a child process.
    const second = openSqliteStore({ file: opened.file!, busyTimeoutMs: 20_000 });
    const otherFlows = await createFlowRepository(second);
    const child = runFixture('publish-flow.ts', [opened.file!, id, '15']);
    await child.ready;
    const mine = await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? flows : otherFlows).publish(id, { notes: `parent ${i}` })));
    const theirs = (await child.done).map(Number);
    const all = [...mine.map((v) => v.version), ...theirs].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const here = await flows.getCurrent(id);
    const there = await otherFlows.getCurrent(id);
    expect(here?.version).toBe(30);
    expect(there).toEqual(here);
    expect(here?.document).toEqual(flowDoc(id, 'Shared.'));
    await second.close();
  });
});
