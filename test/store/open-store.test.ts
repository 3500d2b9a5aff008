import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, sqliteFileFor, storeConfigFromEnv } from '../../engine/store/open-store.js';

describe('openStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads MONGODB_URI and PARLEY_DATA_DIR, ignoring empty values', () => {
    expect(storeConfigFromEnv({ MONGODB_URI: 'mongodb://db:27017/p', PARLEY_DATA_DIR: '/var/parley' })).toEqual({
      mongodbUri: 'mongodb://db:27017/p',
      dataDir: '/var/parley',
    });
    expect(storeConfigFromEnv({ MONGODB_URI: ' ', PARLEY_DATA_DIR: '' })).toEqual({});
    expect(sqliteFileFor({})).toBe(path.resolve('data', 'parley.db'));
  });

  it('opens SQLite at <dataDir>/parley.db when no MongoDB URI is given', async () => {
    const dataDir = path.join(dir, 'data');
    const store = await openStore({ dataDir });
    expect(store.kind).toBe('sqlite');
    await store.collection('x').insertOne({ _id: 'a' });
    await store.close();
    expect(existsSync(path.join(dataDir, 'parley.db'))).toBe(true);
  });

  it('picks MongoDB when a URI is given (here nothing listens, so STORE_UNAVAILABLE; loopback only)', async () => {
    await expect(openStore({ mongodbUri: 'mongodb://127.0.0.1:1', mongodbTimeoutMs: 200, dataDir: path.join(dir, 'unused') })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(existsSync(path.join(dir, 'unused'))).toBe(false);
  });
});
