/**
 * Assembles one engine instance from its configuration: the store and its
 * repositories, metrics, and the services the server plugins use. Everything
 * that holds a resource is released by `close()`.
 */
import type { ParleyConfig } from './config/load-config.js';
import { createMetrics } from './observability/metrics.js';
import type { EngineServices } from './server/app.js';
import { createCallRepository } from './store/call-repository.js';
import { createFlowRepository } from './store/flow-repository.js';
import { createNumberRepository } from './store/number-repository.js';
import { openStore } from './store/open-store.js';

export interface Engine extends EngineServices {
  close(): Promise<void>;
}

export async function createEngine(config: ParleyConfig): Promise<Engine> {
  const store = await openStore({ dataDir: config.dataDir, ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}) });
  try {
    const [flows, calls, numbers] = await Promise.all([createFlowRepository(store), createCallRepository(store), createNumberRepository(store)]);
    // A process that died mid-call left its calls `live`; nobody is serving them now.
    await calls.markLiveCallsInterrupted();
    const metrics = createMetrics();
    return {
      config,
      store,
      metrics,
      repositories: { flows, calls, numbers },
      async close() {
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
