/**
 * Runs the document-store contract against every adapter: SQLite always (a
 * fresh file in a temp folder), MongoDB when MONGODB_URI points at a server
 * (each run in its own database, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { openMongoStore } from '../../engine/store/mongo-store.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { documentStoreContract } from './document-store-contract.js';

documentStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-contract-'));
  const store = openSqliteStore({ file: path.join(dir, 'data', 'parley.db') });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const mongoUri = process.env.MONGODB_URI;
if (!mongoUri) {
  console.log(
    '[document store contract] MongoDB half SKIPPED: MONGODB_URI is not set, so there is no MongoDB server to run it against. ' +
      'Set MONGODB_URI (e.g. mongodb://localhost:27017) to run the same cases on MongoDB.',
  );
}
describe.skipIf(!mongoUri)('MongoDB (skipped unless MONGODB_URI is set)', () => {
  documentStoreContract('mongodb', async () => {
    const dbName = `parley_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const store = await openMongoStore({ uri: mongoUri!, dbName });
    return {
      store,
      async dispose() {
        await store.close();
        // A fresh connection, because the suite may have closed this one on purpose.
        const cleaner = await openMongoStore({ uri: mongoUri!, dbName });
        await cleaner.dropDatabase();
        await cleaner.close();
      },
    };
  });
});
