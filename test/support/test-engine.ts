/**
 * A real engine for tests: SQLite in a temporary folder, the real app, no
 * network. Closed (and its folder removed) by `close()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ParleyConfig } from '../../engine/config/load-config.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { build } from '../../engine/server/app.js';

export interface TestServer {
  app: FastifyInstance;
  engine: Engine;
  config: ParleyConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-test-'));
  const fullEnv = { PARLEY_FLOWS_DIR: '', LOG_LEVEL: 'silent', ...env };
  const config = loadConfig(fullEnv, { dataDir, port: 0 });
  // Connectors read only this environment, never the test runner's.
  const engine = await createEngine(config, { env: fullEnv });
  const app = await build({ services: engine, logger: false });
  await app.ready();
  return {
    app,
    engine,
    config,
    dataDir,
    async close() {
      await app.close();
      await engine.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const TEST_API_KEY = 'test-key-0123456789abcdef';
