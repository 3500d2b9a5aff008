/**
 * Assembles one engine instance from its configuration: the store and its
 * repositories, the connector host, metrics, and the services the server
 * plugins use. Everything that holds a resource is released by `close()`.
 */
import type { ParleyConfig } from './config/load-config.js';
import { createConnectorHost, type ConnectorHostOptions } from './connectors/connector-host.js';
import { createCallEventBus } from './events/call-event-bus.js';
import { withCallEventNotifications } from './events/notifying-call-repository.js';
import { seedExampleData } from './examples/seed-example-data.js';
import { createMetrics } from './observability/metrics.js';
import type { EngineServices } from './server/app.js';
import { createCallRepository } from './store/call-repository.js';
import { createFlowRepository } from './store/flow-repository.js';
import { createNumberRepository } from './store/number-repository.js';
import { openStore } from './store/open-store.js';

export interface Engine extends EngineServices {
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Where connectors read their declared variables (secrets). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Services handed to connectors, e.g. the fake Twilio REST client in tests. */
  connectorServices?: ConnectorHostOptions['services'];
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
    const connectors = await createConnectorHost({
      store,
      metrics,
      env: options.env ?? process.env,
      connectors: config.connectors,
      ...(options.connectorServices ? { services: options.connectorServices } : {}),
    });
    if (config.exampleData) await seedExampleData(connectors);
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
