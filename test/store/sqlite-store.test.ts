import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFilter, parseSort } from '../../engine/store/parse-query.js';
import { orderSql, whereSql } from '../../engine/store/sqlite-sql.js';
import { openSqliteStore, type SqliteStore } from '../../engine/store/sqlite-store.js';
import { runFixture } from './child-process.js';

describe('SQLite store', () => {
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];
  const openStore = (options: Partial<Parameters<typeof openSqliteStore>[0]> = {}) => {
    const store = openSqliteStore({ file, ...options });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-sqlite-'));
    file = path.join(dir, 'nested', 'data', 'parley.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its folder and one file in WAL mode', async () => {
    const store = openStore();
    await store.collection('things').insertOne({ _id: 'a' });
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'things' }]);
    raw.close();
  });

  it('fails with STORE_UNAVAILABLE when the file cannot be opened', () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    expect(() => openSqliteStore({ file: path.join(blocker, 'parley.db') })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
  });

  it('two stores on one file see each other\'s writes and share unique indexes', async () => {
    const a = openStore().collection('numbers');
    const b = openStore().collection('numbers');
    await a.createIndex({ fields: ['phone'], unique: true });
    await a.insertOne({ _id: 'r1', phone: '+15125550100' });
    expect(await b.findOne({ phone: '+15125550100' })).toEqual({ _id: 'r1', phone: '+15125550100' });
    await expect(b.insertOne({ phone: '+15125550100' })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY', details: { fields: ['phone'] } });
  });

  it('findOneAndUpdate stays atomic across two processes on one file', async () => {
    const store = openStore({ busyTimeoutMs: 20_000 });
    const counters = store.collection('counters');
    const rounds = 2000;
    const child = runFixture('sqlite-increment.ts', [file, String(rounds)]);
    await child.ready;
    await counters.insertOne({ _id: 'go' });
    const mine: number[] = [];
    for (let i = 0; i < rounds; i++) {
      mine.push((await counters.findOneAndUpdate({ _id: 'shared' }, { $inc: { n: 1 } }, { upsert: true }))!.n as number);
    }
    const theirs = (await child.done).map(Number);
    expect(theirs.length).toBe(rounds);
    // Both really wrote while the other did (else this test could not catch a lost update).
    expect(Math.min(...theirs)).toBeLessThan(Math.max(...mine));
    expect(Math.min(...mine)).toBeLessThan(Math.max(...theirs));
    const all = [...mine, ...theirs].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
    expect((await counters.findOne({ _id: 'shared' }))?.n).toBe(2 * rounds);
  });

  it('a writer waits for the lock, then fails with STORE_BUSY past the busy timeout; readers are not blocked', async () => {
    const store = openStore({ busyTimeoutMs: 50 });
    const things = store.collection('things');
    await things.insertOne({ _id: 'a' });
    const raw = new Database(file);
    raw.prepare('BEGIN IMMEDIATE').run();
    const started = Date.now();
    await expect(things.insertOne({ _id: 'b' })).rejects.toMatchObject({ code: 'STORE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(await things.count()).toBe(1);
    raw.prepare('COMMIT').run();
    raw.close();
    await things.insertOne({ _id: 'b' });
    expect(await things.count()).toBe(2);
  });

  it('serves an equality filter plus a sort from the expression index, with no sort step', async () => {
    const store = openStore();
    const events = store.collection('events');
    await events.createIndex({ fields: ['callId', 'seq'] });
    const conditions = parseFilter({ callId: 'c1', seq: { $gt: 3 } });
    const where = whereSql(conditions);
    const sql = `EXPLAIN QUERY PLAN SELECT _id, doc FROM "events" WHERE ${where.sql} ORDER BY ${orderSql(parseSort({ seq: 1 }))} LIMIT 10`;
    const raw = new Database(file, { readonly: true });
    const plan = (raw.prepare(sql).all(...where.params) as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
    raw.close();
    expect(plan).toContain('USING INDEX ix:events:callId,seq');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('checkpoints the WAL from a worker thread: the database file fills with no commit paying for it', async () => {
    const store = openStore();
    expect(store.checkpointMode).toBe('background');
    const events = store.collection('events');
    await events.insertOne({ _id: 'first' });
    const before = statSync(file).size;
    // One commit of ~600 KB: below SQLite's own 1000-page auto-checkpoint, so only the worker moves it.
    await events.insertMany(Array.from({ length: 2000 }, (_, i) => ({ text: 'x'.repeat(300), i })));
    for (let waited = 0; statSync(file).size < before + 500_000 && waited < 5000; waited += 50) await sleep(50);
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 500_000);
    expect(await events.count()).toBe(2001);
  });

  it('leaves checkpoints to SQLite inside commits when asked (inline), and has none in memory', async () => {
    const inline = openStore({ checkpoint: 'inline' });
    expect(inline.checkpointMode).toBe('inline');
    const events = inline.collection('events');
    await events.insertOne({ _id: 'first' });
    const before = statSync(file).size;
    await events.insertMany(Array.from({ length: 2000 }, (_, i) => ({ text: 'x'.repeat(300), i })));
    await sleep(600);
    // Nobody checkpointed: the data is still only in the WAL.
    expect(statSync(file).size).toBeLessThan(before + 500_000);
    expect(openStore({ file: ':memory:' }).checkpointMode).toBe('none');
  });

  it('works in memory', async () => {
    const store = openStore({ file: ':memory:' });
    await store.collection('x').insertOne({ _id: 'a', v: 1 });
    expect(await store.collection('x').findOne({ v: 1 })).toEqual({ _id: 'a', v: 1 });
  });
});
