/**
 * Prometheus metrics, one registry per engine instance (tests run several
 * servers in one process). Served as text at `/metrics`. Label values are
 * bounded sets (flow ids, tool names, outcomes) — never phone numbers or text.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Also collect Node's process metrics (heap, event loop lag). Default true. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return {
    registry,
    activeCalls: new Gauge({ name: 'parley_active_calls', help: 'Calls being bridged by this instance.', registers: [registry] }),
    callsTotal: new Counter({ name: 'parley_calls_total', help: 'Calls started, by direction.', labelNames: ['direction'] as const, registers: [registry] }),
    transitions: new Counter({ name: 'parley_stage_transitions_total', help: 'Stage transitions, by flow.', labelNames: ['flow'] as const, registers: [registry] }),
    toolLatency: new Histogram({
      name: 'parley_tool_duration_seconds',
      help: 'Connector operation duration, by operation and status.',
      labelNames: ['operation', 'status'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    modelReconnects: new Counter({ name: 'parley_model_reconnects_total', help: 'Realtime model socket reconnects.', registers: [registry] }),
    audioFrames: new Counter({ name: 'parley_audio_frames_total', help: 'Audio frames relayed, by direction.', labelNames: ['direction'] as const, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
