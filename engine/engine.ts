/**
 * Assembles one engine instance from its configuration: the store and its
 * repositories, metrics, and the services the server plugins use. Everything
 * that holds a resource is released by `close()`.
 */
import type { ParleyConfig } from './config/load-config.js';
import { createConnectorHost } from './connectors/connector-host.js';
import { createCallEventBus } from './events/call-event-bus.js';
import { withCallEventNotifications } from './events/notifying-call-repository.js';
import { createMetrics } from './observability/metrics.js';
import type { EngineServices } from './server/app.js';
import { createCallRepository } from './store/call-repository.js';
import { createFlowRepository } from './store/flow-repository.js';
import { createNumberRepository } from './store/number-repository.js';
import { openStore } from './store/open-store.js';

export interface Engine extends EngineServices {
  close(): Promise<void>;
}

/** Where the engine reads what its configuration does not hold. */
export interface EngineOptions {
  /** Connector settings and secrets (each connector's `x-env` variables). Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export async function createEngine(config: ParleyConfig, options: EngineOptions = {}): Promise<Engine> {
  const store = await openStore({ dataDir: config.dataDir, ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}) });
  try {
    const [flows, storedCalls, numbers] = await Promise.all([createFlowRepository(store), createCallRepository(store), createNumberRepository(store)]);
    // Every append made through the engine's repository reaches this process's live subscribers.
    const callEvents = createCallEventBus();
    const calls = withCallEventNotifications(storedCalls, callEvents);
    // A process that died mid-call left its calls `live`; nobody is serving them now.
    await calls.markLiveCallsInterrupted();
    const metrics = createMetrics();
    // A connector that fails to load or lacks configuration is reported in the catalog, not fatal (unless strict).
    const connectors = await createConnectorHost({ env: options.env ?? process.env, connectors: config.connectors, store, metrics });
    return {
      config,
      store,
      metrics,
      callEvents,
      connectors,
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
