/**
 * Opens the store the configuration asks for: MongoDB when a connection string
 * is given (MONGODB_URI), else the embedded SQLite file `<dataDir>/parley.db`
 * (PARLEY_DATA_DIR, default `./data`). Callers get the port and never need to
 * know which adapter is behind it.
 */
import path from 'node:path';
import type { DocumentStore } from './document-store.js';
import { openSqliteStore } from './sqlite-store.js';

/** Where Parley keeps flows, calls and connector data. */
export interface StoreConfig {
  /** MongoDB connection string; when set, MongoDB is used. Env: MONGODB_URI. */
  mongodbUri?: string;
  /** MongoDB database; default the one in the URI, else `parley`. */
  mongodbDbName?: string;
  /** How long to look for a MongoDB server on start, in ms (default 10000). */
  mongodbTimeoutMs?: number;
  /** Folder of the SQLite file `parley.db`, created when missing. Env: PARLEY_DATA_DIR; default `./data`. */
  dataDir?: string;
}

/** The SQLite file name inside the data folder. */
export const SQLITE_FILE_NAME = 'parley.db';

/** Reads the store configuration from the environment (empty values count as unset). */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const config: StoreConfig = {};
  if (env.MONGODB_URI?.trim()) config.mongodbUri = env.MONGODB_URI.trim();
  if (env.PARLEY_DATA_DIR?.trim()) config.dataDir = env.PARLEY_DATA_DIR.trim();
  return config;
}

/** The SQLite file a configuration without MongoDB uses, as an absolute path. */
export function sqliteFileFor(config: StoreConfig): string {
  return path.resolve(config.dataDir ?? 'data', SQLITE_FILE_NAME);
}

/**
 * Opens the configured store; by default from the environment. Throws
 * `STORE_UNAVAILABLE` when it cannot be opened or reached.
 */
export async function openStore(config: StoreConfig = storeConfigFromEnv()): Promise<DocumentStore> {
  if (config.mongodbUri) {
    // Imported only when used: the MongoDB driver costs a few hundred ms of start-up that SQLite users should not pay.
    const { openMongoStore } = await import('./mongo-store.js');
    return openMongoStore({
      uri: config.mongodbUri,
      ...(config.mongodbDbName ? { dbName: config.mongodbDbName } : {}),
      ...(config.mongodbTimeoutMs ? { serverSelectionTimeoutMs: config.mongodbTimeoutMs } : {}),
    });
  }
  return openSqliteStore({ file: sqliteFileFor(config) });
}
