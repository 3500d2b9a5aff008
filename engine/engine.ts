/**
 * Assembles one engine instance from its configuration: the store, metrics and
 * the services the server plugins use. Everything that holds a resource is
 * released by `close()`.
 */
import path from 'node:path';
import type { ParleyConfig } from './config/load-config.js';
import { createMetrics } from './observability/metrics.js';
import type { EngineServices } from './server/app.js';
import { openSqliteStore } from './store/sqlite-store.js';

export interface Engine extends EngineServices {
  close(): Promise<void>;
}

export async function createEngine(config: ParleyConfig): Promise<Engine> {
  const store = openSqliteStore({ file: path.join(config.dataDir, 'parley.db') });
  const metrics = createMetrics();
  return {
    config,
    store,
    metrics,
    async close() {
      await store.close();
    },
  };
}
