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

/** Where test servers' model sessions would go: a closed port on loopback, so nothing can reach a vendor. */
export const UNREACHABLE_REALTIME_URL = 'ws://127.0.0.1:9/v1/realtime';

export interface TestServer {
  app: FastifyInstance;
  engine: Engine;
  config: ParleyConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-test-'));
  const config = loadConfig({ PARLEY_FLOWS_DIR: '', PARLEY_EXAMPLE_DATA: 'off', LOG_LEVEL: 'silent', OPENAI_REALTIME_URL: UNREACHABLE_REALTIME_URL, ...env }, { dataDir, port: 0 });
  const engine = await createEngine(config, { env });
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
