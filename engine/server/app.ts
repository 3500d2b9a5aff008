/**
 * `build()` assembles the HTTP server from plugins (STYLE §9): every feature is
 * a fastify plugin with its own prefix; `start-server.ts` only listens. Tests
 * call `build()` and talk to it with `inject()` or real sockets.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { ParleyConfig } from '../config/load-config.js';
import type { ConnectorHost } from '../connectors/connector-host.js';
import type { CallEventBus } from '../events/call-event-bus.js';
import { createCallLog } from '../runtime/call-log.js';
import type { CallManager } from '../runtime/call-manager.js';
import { twilioRoutes } from '../telephony/twilio-routes.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallRepository } from '../store/call-repository.js';
import type { DocumentStore } from '../store/document-store.js';
import type { FlowRepository } from '../store/flow-repository.js';
import type { NumberRepository } from '../store/number-repository.js';
import { fromRoot } from '../util/package-root.js';
import { API_SCHEMA } from './api-schema.js';
import { authPlugin } from './plugins/auth.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { healthRoutes } from './plugins/health-routes.js';
import { homePage } from './plugins/home-page.js';
import { openApiPlugin } from './plugins/openapi.js';
import { outboundCallRoutes } from './plugins/outbound-call-routes.js';
import { buildLazySerializer } from './lazy-serializer-compiler.js';
import { createRequestValidatorCompiler } from './request-validator.js';
import { callLiveRoutes } from './routes/call-live-routes.js';
import { callRoutes } from './routes/call-routes.js';
import { connectorRoutes } from './routes/connector-routes.js';
import { flowDocumentRoutes } from './routes/flow-document-routes.js';
import { flowPublishRoutes } from './routes/flow-publish-routes.js';
import { flowRoutes } from './routes/flow-routes.js';
import { numberRoutes } from './routes/number-routes.js';

export const PARLEY_VERSION: string = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;

/** A registered route and whether it is reachable without the API key. */
export interface RouteRecord {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this server. */
    parleyRoutes: RouteRecord[];
  }
}

/** What the server needs; built by createEngine() or by a test. */
export interface EngineServices {
  config: ParleyConfig;
  store: DocumentStore;
  metrics: Metrics;
  /** Events appended in this process, for live subscribers. */
  callEvents: CallEventBus;
  /** Loaded connectors: the catalog and tool invocation. */
  connectors: ConnectorHost;
  repositories: {
    flows: FlowRepository;
    calls: CallRepository;
    numbers: NumberRepository;
  };
  /** Live calls on this instance: Twilio webhooks, media streams, outbound calls. */
  runtime: CallManager;
}

export interface BuildOptions {
  services: EngineServices;
  /** Pino logger options, or false for none (tests). Default: the configured level. */
  logger?: boolean | Record<string, unknown>;
}

/** Request logs carry method, route and status only — never bodies, keys or query strings. */
const requestSerializers = {
  req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const { services } = options;
  const { config } = services;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : { level: config.logLevel, serializers: requestSerializers, redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], ...(typeof options.logger === 'object' ? options.logger : {}) },
    // Per-request lines drown what matters on a phone server; errors and call events are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    trustProxy: true,
    // Response serializers are built when a route first answers, not at start (lazy-serializer-compiler.ts).
    schemaController: { compilersFactory: { buildSerializer: buildLazySerializer } },
  });

  // Every route, as registered, so tests can prove each admin route is behind the key.
  const routes: RouteRecord[] = [];
  app.decorate('parleyRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Read `public` when asked: later onRoute hooks (the docs plugin) may still mark the route public.
    for (const method of methods) routes.push({ method, url: route.url, get public() { return Boolean(route.config?.public); } });
  });

  app.addSchema(API_SCHEMA);
  // JSON bodies are validated as sent, query strings and params with type coercion (request-validator.ts).
  app.setValidatorCompiler(createRequestValidatorCompiler(app.getSchemas()));
  // The API speaks JSON (flows also YAML, added by their routes). Fastify's default
  // text/plain parser would hand a route a string where it expects an object,
  // turning a wrong content type into a confusing validation error instead of a 415.
  app.removeContentTypeParser('text/plain');

  await app.register(errorHandlerPlugin);
  await app.register(rateLimit, { global: true, max: 1200, timeWindow: '1 minute' });
  await app.register(openApiPlugin, { version: PARLEY_VERSION });
  await app.register(authPlugin, { ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
  await app.register(homePage, { version: PARLEY_VERSION, auth: Boolean(config.apiKey) });
  await app.register(healthRoutes, { config, store: services.store, metrics: services.metrics, version: PARLEY_VERSION, startedAt: Date.now() });
  const { flows, calls, numbers } = services.repositories;
  await app.register(flowRoutes, { prefix: '/api/flows', flows, numbers });
  await app.register(flowDocumentRoutes, { prefix: '/api/flows', flows, connectors: services.connectors });
  await app.register(flowPublishRoutes, { prefix: '/api/flows', flows, connectors: services.connectors });
  await app.register(callRoutes, { prefix: '/api/calls', calls });
  await app.register(callLiveRoutes, { prefix: '/api/calls', calls, bus: services.callEvents, pollMs: config.livePollMs });
  await app.register(numberRoutes, { prefix: '/api/numbers', numbers, flows });
  await app.register(connectorRoutes, { prefix: '/api/connectors', connectors: services.connectors });
  // Live calls: the runtime logs through the server's logger (allow-listed events only).
  services.runtime.useLog(options.logger === false ? undefined : app.log);
  await app.register(twilioRoutes, { config, manager: services.runtime, log: createCallLog(options.logger === false ? undefined : app.log) });
  await app.register(outboundCallRoutes, { manager: services.runtime });

  return app;
}
