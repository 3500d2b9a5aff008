/**
 * Tool dispatch overhead of the connector host (DESIGN §8: p99 ≤ 1 ms): a
 * no-op operation invoked through `host.invoke`, input and output validated,
 * latency observed on the metrics registry. The handler does nothing, so the
 * numbers are the host's own cost.
 *
 *     npx tsx bench/connector-dispatch.ts [iterations]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnectorHost } from '../engine/connectors/connector-host.js';
import { createMetrics } from '../engine/observability/metrics.js';

const iterations = Number(process.argv[2] ?? 20_000);
const dir = await mkdtemp(path.join(tmpdir(), 'parley-bench-'));
await writeFile(
  path.join(dir, 'index.mjs'),
  `export default { name: 'noop', version: '1.0.0', description: 'bench', operations: { ping: { description: 'p', idempotent: true,
    input: { type: 'object', required: ['date', 'seats'], properties: { date: { type: 'string', pattern: '^\\\\d{4}-\\\\d{2}-\\\\d{2}$' }, seats: { type: 'integer', minimum: 1, default: 1 }, partOfDay: { enum: ['morning', 'afternoon'] } } },
    output: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, slots: { type: 'array', items: { type: 'object' } } } },
    run: async (input) => ({ ok: true, slots: [{ start: input.date }] }) } } };`,
);
try {
  const host = await createConnectorHost({ builtins: false, connectors: [dir], env: {}, metrics: createMetrics({ processMetrics: false }) });
  const input = { date: '2026-01-06', seats: 2, partOfDay: 'morning' };
  for (let i = 0; i < 2000; i++) await host.invoke('noop.ping', input); // warm up the JIT
  const latencies: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const result = await host.invoke('noop.ping', input);
    latencies.push(performance.now() - started);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(3);
  console.log(`connector dispatch, ${iterations} invocations: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, p99.9 ${at(0.999)} ms, max ${at(1)} ms`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
