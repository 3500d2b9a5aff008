/**
 * Assembles one engine instance from its configuration: the store and its
 * repositories, the connector host, metrics, Twilio REST, and the call
 * manager that serves live calls. Everything that holds a resource is
 * released by `close()`.
 */
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import type { ParleyConfig } from './config/load-config.js';
import { createConnectorHost, type ConnectorHost, type ConnectorHostOptions } from './connectors/connector-host.js';
import { createCallEventBus } from './events/call-event-bus.js';
import { withCallEventNotifications } from './events/notifying-call-repository.js';
import { seedExampleData } from './examples/seed-example-data.js';
import { createMetrics } from './observability/metrics.js';
import { CallManager } from './runtime/call-manager.js';
import type { RuntimeLimits } from './runtime/runtime-limits.js';
import type { TimerScheduler } from './runtime/timer-scheduler.js';
import type { EngineServices } from './server/app.js';
import { createCallRepository } from './store/call-repository.js';
import { createFlowRepository } from './store/flow-repository.js';
import { createNumberRepository } from './store/number-repository.js';
import { openStore } from './store/open-store.js';
import { createTwilioRest } from './telephony/twilio-rest.js';
import type { Clock } from './util/clock.js';

export interface Engine extends EngineServices {
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Where connectors read their declared variables (secrets). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Services handed to connectors, e.g. the fake Twilio REST client in tests. Default: `twilioHttpClient`. */
  connectorServices?: ConnectorHostOptions['services'];
  /** The `twilio` package's HTTP client for Twilio REST (and the SMS connector): the fake Twilio REST API in tests and the demo. */
  twilioHttpClient?: TwilioRequestClient;
  /** Business time for connectors (calendars). Default: the system clock. */
  clock?: Clock;
  /** Bounds of the call runtime's waits. */
  runtimeLimits?: Partial<RuntimeLimits>;
  /** The clock calls read (`call.startedAt`, `$now()`). Default: the system clock; flow tests pin it with `clock`. */
  callClock?: Clock;
  /** Where the flows' timers run. Default: the wall clock; flow tests run them on their simulated call's clock. */
  timers?: TimerScheduler;
  /** Wraps the connector host the engine uses (flow tests make chosen operations fail: "what if the SMS does not go out"). */
  wrapConnectors?: (host: ConnectorHost) => ConnectorHost;
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
    const services = options.connectorServices ?? (options.twilioHttpClient ? { twilioHttpClient: options.twilioHttpClient } : undefined);
    const loaded = await createConnectorHost({
      store,
      metrics,
      env: options.env ?? process.env,
      connectors: config.connectors,
      ...(services ? { services } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const connectors = options.wrapConnectors ? options.wrapConnectors(loaded) : loaded;
    if (config.exampleData) await seedExampleData(connectors);
    const { accountSid, authToken } = config.twilio;
    const twilio = accountSid && authToken ? createTwilioRest({ accountSid, authToken, ...(options.twilioHttpClient ? { httpClient: options.twilioHttpClient } : {}) }) : undefined;
    const repositories = { flows, calls, numbers };
    const runtime = new CallManager({
      config,
      store,
      repositories,
      connectors,
      metrics,
      ...(twilio ? { twilio } : {}),
      ...(options.runtimeLimits ? { limits: options.runtimeLimits } : {}),
      ...(options.callClock ? { clock: options.callClock } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
    });
    return {
      config,
      store,
      metrics,
      callEvents,
      connectors,
      repositories,
      runtime,
      async close() {
        await runtime.shutDown();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
