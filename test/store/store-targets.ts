/**
 * The stores repository tests run on: SQLite always (a fresh file in a temp
 * folder), MongoDB when MONGODB_URI is set (a fresh database, dropped after).
 * When it is not set, the MongoDB target carries the reason it is skipped, and
 * `describeOnStores` prints it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import type { DocumentStore } from '../../engine/store/document-store.js';
import { openMongoStore } from '../../engine/store/mongo-store.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';

/** A store opened for one suite. */
export interface OpenedStore {
  store: DocumentStore;
  /** The SQLite file, for tests that open it a second time. */
  file?: string;
  dispose(): Promise<void>;
}

/** A kind of store to run a suite on. */
export interface StoreTarget {
  label: 'sqlite' | 'mongodb';
  /** Why the target is skipped here, when it is. */
  skipReason?: string;
  open(): Promise<OpenedStore>;
}

const mongoUri = process.env.MONGODB_URI?.trim();

export const STORE_TARGETS: StoreTarget[] = [
  {
    label: 'sqlite',
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), 'parley-repo-'));
      const file = path.join(dir, 'parley.db');
      const store = openSqliteStore({ file });
      return {
        store,
        file,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    label: 'mongodb',
    ...(mongoUri ? {} : { skipReason: 'MONGODB_URI is not set, so there is no MongoDB server to run it against' }),
    async open() {
      const dbName = `parley_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const store = await openMongoStore({ uri: mongoUri!, dbName });
      return {
        store,
        async dispose() {
          await store.dropDatabase();
          await store.close();
        },
      };
    },
  },
];

/** Runs `body` once per store target, skipping (with a printed reason) the ones this machine cannot run. */
export function describeOnStores(suite: string, body: (target: StoreTarget) => void): void {
  for (const target of STORE_TARGETS) {
    if (target.skipReason) console.log(`[${suite}] ${target.label} half SKIPPED: ${target.skipReason}.`);
    describe.skipIf(Boolean(target.skipReason))(`${suite} on ${target.label}${target.skipReason ? ' (skipped: ' + target.skipReason + ')' : ''}`, () => body(target));
  }
}
