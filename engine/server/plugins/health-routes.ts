/**
 * `/health` (public, for load balancers and `docker compose`) and `/metrics`
 * (Prometheus text, behind the API key like every admin route).
 */
import type { FastifyInstance } from 'fastify';
import { describeConfig, type ParleyConfig } from '../../config/load-config.js';
import type { Metrics } from '../../observability/metrics.js';
import type { DocumentStore } from '../../store/document-store.js';
import { ref } from '../api-schema.js';

export interface HealthOptions {
  config: ParleyConfig;
  store: DocumentStore;
  metrics: Metrics;
  version: string;
  startedAt: number;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const { config, store, metrics, version, startedAt } = options;

  app.get(
    '/health',
    {
      config: { public: true, rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: {
        summary: 'Whether the engine can serve calls',
        description: 'Store reachable, model and telephony configured, active calls. 503 when the store cannot be reached.',
        tags: ['operations'],
        response: { 200: ref('Health'), 503: ref('Health') },
      },
    },
    async (_request, reply) => {
      const reachable = await store.ping().catch(() => false);
      const described = describeConfig(config);
      const activeCalls = (await metrics.activeCalls.get()).values[0]?.value ?? 0;
      return reply.code(reachable ? 200 : 503).send({
        status: reachable ? 'ok' : 'unavailable',
        version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        store: { kind: store.kind, reachable },
        auth: described.auth,
        model: described.model,
        telephony: described.telephony,
        activeCalls,
      });
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
