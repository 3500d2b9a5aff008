/**
 * Crash safety (issue 3): a server killed with SIGKILL while call events are
 * being written through its API loses none it acknowledged, and on restart
 * the calls that were live are marked `interrupted`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallRepository } from '../../engine/store/call-repository.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { SQLITE_FILE_NAME } from '../../engine/store/open-store.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

interface Acknowledged {
  seq: number;
  text: string;
}

describe('crash safety', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('finds every acknowledged event after SIGKILL mid-stream, and marks the live call interrupted', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-crash-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first: ServerProcess = await startServerProcess(dataDir);
    cleanup.push(() => first.stop('SIGKILL'));

    // The call goes live while the first server runs (it marked older live calls interrupted when it started).
    const store = openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) });
    const calls = await createCallRepository(store);
    const call = await calls.create({ flowId: 'clinic', flowVersion: 1, direction: 'inbound', from: '+15125550100', to: '+15125550199', status: 'live' });
    await store.close();

    // Eight writers post notes back to back until the server dies; only answered notes count as acknowledged.
    const acknowledged: Acknowledged[] = [];
    let sent = 0;
    let reachedTarget: () => void = () => {};
    const target = new Promise<void>((resolve) => (reachedTarget = resolve));
    const writer = async (name: string) => {
      for (let n = 0; ; n++) {
        const text = `${name} ${n}`;
        sent++;
        let response: Response;
        try {
          response = await fetch(`${first.url}/api/calls/${call.id}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
        } catch {
          return; // The server is gone: this note was never acknowledged.
        }
        expect(response.status).toBe(201);
        const event = (await response.json()) as { seq: number; data: { text: string } };
        acknowledged.push({ seq: event.seq, text: event.data.text });
        if (acknowledged.length >= 300) reachedTarget();
      }
    };
    const writers = Promise.all(Array.from({ length: 8 }, (_, i) => writer(`writer${i}`)));
    await target;
    // Killed while the writers still have requests in flight.
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    await writers;
    expect(sent).toBeGreaterThan(acknowledged.length);

    // Before the restart the call is still recorded as live: the restart is what marks it.
    const check = openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) });
    expect((await (await createCallRepository(check)).get(call.id)).status).toBe('live');
    await check.close();

    const second = await startServerProcess(dataDir);
    cleanup.push(() => second.stop());
    const recorded = (await (await fetch(`${second.url}/api/calls/${call.id}`)).json()) as { call: unknown };
    expect(recorded.call).toMatchObject({ id: call.id, status: 'interrupted', endReason: 'engine-restart' });

    const stored: Acknowledged[] = [];
    for (let after = 0; ; ) {
      const page = (await (await fetch(`${second.url}/api/calls/${call.id}/events?after=${after}&limit=1000`)).json()) as {
        items: Array<{ seq: number; data: { text: string } }>;
        next?: number;
      };
      stored.push(...page.items.map((e) => ({ seq: e.seq, text: e.data.text })));
      if (page.next === undefined) break;
      after = page.next;
    }
    const bySeq = new Map(stored.map((e) => [e.seq, e.text]));
    const missing = acknowledged.filter((a) => bySeq.get(a.seq) !== a.text);
    expect(missing).toEqual([]);
    // Nothing is recorded twice, and seqs only grow.
    expect(new Set(stored.map((e) => e.text)).size).toBe(stored.length);
    expect(stored.every((e, i) => i === 0 || e.seq > stored[i - 1]!.seq)).toBe(true);
  }, 60_000);
});
