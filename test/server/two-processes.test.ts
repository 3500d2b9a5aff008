/**
 * Two engine processes on one SQLite data folder (DESIGN §9, issue 3): any
 * instance serves any API request. A flow published through one is served at
 * the same version by the other; both import the example flows into the empty
 * store once between them; appends through both to one call's event stream
 * lose nothing; and a live (SSE) subscriber on one sees events appended
 * through the other.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/store/call-event.js';
import { createCallRepository } from '../../engine/store/call-repository.js';
import { SQLITE_FILE_NAME } from '../../engine/store/open-store.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { minimalFlow, minimalFlowYaml } from '../support/flow-documents.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { openSse } from '../support/sse-client.js';

describe('two server processes on one SQLite data folder', () => {
  let dataDir: string;
  let a: ServerProcess;
  let b: ServerProcess;

  const json = async <T = Record<string, unknown>>(response: Response | Promise<Response>) => (await (await response).json()) as T;
  const request = (server: ServerProcess, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  /** A live call, made the way the runtime would: straight in the shared store. */
  const liveCall = async () => {
    const store = openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) });
    try {
      return await (await createCallRepository(store)).create({ flowId: 'front-desk', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'parley-two-'));
    const flowsDir = path.join(dataDir, 'example-flows');
    await mkdir(flowsDir);
    await writeFile(path.join(flowsDir, 'front-desk.yaml'), minimalFlowYaml('front-desk'));
    const env = { PARLEY_FLOWS_DIR: flowsDir, PARLEY_LIVE_POLL_MS: '100' };
    // Started together on the empty store: both try to import the example flow.
    [a, b] = await Promise.all([startServerProcess(dataDir, env), startServerProcess(dataDir, env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports the example flows once between them', async () => {
    for (const server of [a, b]) {
      const versions = await json<{ items: Array<{ version: number }> }>(request(server, 'GET', '/api/flows/front-desk/versions'));
      expect(versions.items.map((v) => v.version)).toEqual([1]);
    }
    // Exactly one of them says it imported the flow.
    const said = [a, b].filter((server) => /Imported 1 example flow/.test(server.output()));
    expect(said).toHaveLength(1);
  });

  it('serves a flow published through one at the same version from the other', async () => {
    expect((await request(a, 'POST', '/api/flows', minimalFlowYaml('clinic'))).status).toBe(201);
    expect((await request(a, 'POST', '/api/flows/clinic/publish', { notes: 'first' })).status).toBe(201);
    const changed = minimalFlow('clinic');
    changed.stages.greeting!.guidance = 'Welcome to the clinic.';
    expect((await request(a, 'PUT', '/api/flows/clinic', changed, { 'if-match': '"1"' })).status).toBe(200);
    const published = await json<{ version: number; document: unknown }>(request(a, 'POST', '/api/flows/clinic/publish', { notes: 'warmer' }));
    expect(published.version).toBe(2);

    const seen = await json<{ currentVersion: number; current: { version: number; notes: string; document: unknown }; revision: number }>(request(b, 'GET', '/api/flows/clinic'));
    expect(seen).toMatchObject({ currentVersion: 2, revision: 2, current: { version: 2, notes: 'warmer' } });
    expect(seen.current.document).toEqual(published.document);
    expect(await json(request(b, 'GET', '/api/flows/clinic/versions/2'))).toEqual(await json(request(a, 'GET', '/api/flows/clinic/versions/2')));

    // And the other way round: a rollback through B is what A serves next.
    expect((await request(b, 'POST', '/api/flows/clinic/rollback', { version: 1 })).status).toBe(201);
    expect(await json(request(a, 'GET', '/api/flows/clinic'))).toMatchObject({ currentVersion: 3, current: { version: 3, rollbackOf: 1 } });
  });

  it('keeps every one of 200 notes appended at once through both processes, each writer in order', async () => {
    const call = await liveCall();
    // Ten writers per process, ten notes each, every writer waiting for its previous acknowledgement.
    const writers = [a, b].flatMap((server, s) => Array.from({ length: 10 }, (_, w) => ({ server, name: `${s === 0 ? 'a' : 'b'}${w}` })));
    const acks = (
      await Promise.all(
        writers.map(async ({ server, name }) => {
          const mine: Array<{ seq: number; text: string }> = [];
          for (let n = 0; n < 10; n++) {
            const response = await request(server, 'POST', `/api/calls/${call.id}/notes`, { text: `${name} ${n}` });
            expect(response.status).toBe(201);
            const event = await json<{ seq: number; data: { text: string } }>(response);
            mine.push({ seq: event.seq, text: event.data.text });
          }
          return mine;
        }),
      )
    ).flat();
    expect(acks).toHaveLength(200);
    expect(new Set(acks.map((ack) => ack.seq)).size).toBe(200);

    for (const server of [a, b]) {
      const page = await json<{ items: Array<{ seq: number; data: { text: string } }> }>(request(server, 'GET', `/api/calls/${call.id}/events?limit=1000`));
      expect(new Map(page.items.map((e) => [e.seq, e.data.text]))).toEqual(new Map(acks.map((ack) => [ack.seq, ack.text])));
      for (const { name } of writers) {
        expect(page.items.filter((e) => e.data.text.startsWith(`${name} `)).map((e) => e.data.text)).toEqual(Array.from({ length: 10 }, (_, n) => `${name} ${n}`));
      }
    }
  });

  it('streams events appended through one process to a live subscriber on the other', async () => {
    const call = await liveCall();
    const stream = await openSse(`${a.url}/api/calls/${call.id}/events/live`);
    expect(stream.response.statusCode).toBe(200);
    for (let n = 0; n < 5; n++) expect((await request(b, 'POST', `/api/calls/${call.id}/notes`, { text: `from b ${n}` })).status).toBe(201);
    const messages = await stream.waitFor(5);
    const events = messages.map((m) => JSON.parse(m.data) as CallEvent);
    expect(events.map((e) => [e.seq, (e.data as { text: string }).text])).toEqual(Array.from({ length: 5 }, (_, n) => [n + 1, `from b ${n}`]));
    expect(messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5']);
    stream.close();
  });
});
