/**
 * Live calls under load: N concurrent calls, each with caller audio at 50
 * frames a second into the engine and agent audio at 50 frames a second out
 * of it, through the real engine (the real fastify server, media streams,
 * CallSessions, ModelSessions, interpreter, SQLite store) on loopback
 * sockets. The load side (N Twilio streams and a Realtime server) runs in a
 * worker thread: see bench/calls-load.ts.
 *
 *   npm run bench -- calls                 # N = 50, 100, 250, 500
 *   npx tsx --expose-gc bench/calls.ts 100 # one N
 *
 * Reports, per N: latency added per frame in each direction (p50, p99, max,
 * frames over 20 ms), stage transition → session.update on the wire (p50,
 * p99), caller turn committed → response.create (the cost of asking for
 * answers ourselves), the engine thread's event-loop use and the process's
 * CPU, and heap per live call (engine thread, after a GC). DESIGN §8 targets: p99 ≤ 1 ms
 * per frame at 100 calls; ≥ 500 calls with no frame delayed > 20 ms;
 * transition → session.update p99 ≤ 2 ms; ≤ 1 MB heap per live call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../engine/config/load-config.js';
import { createEngine } from '../engine/engine.js';
import { build } from '../engine/server/app.js';
import type { Flow } from '../engine/types/flow.generated.js';
import type { LoadReport, LoadSetup } from './calls-load.js';

const COUNTS = process.argv.slice(2).map(Number).filter((n) => n > 0);
const WARMUP_MS = 3000;
const MEASURE_MS = 6000;
const TRANSITION_EVERY_MS = 1500;
const AUTH_TOKEN = 'bench-auth-token-0000000000000001';
const PUBLIC_URL = 'https://parley-bench.invalid';
const CLINIC = '+15125550123';

/** Two talking stages the model moves between with intents. */
const FLOW: Flow = {
  id: 'bench-ping-pong',
  name: 'Bench: two stages',
  agent: { instructions: 'You are a test agent for {{org}}.', voice: 'marin', turnDetection: { type: 'server_vad', silenceMs: 500 } },
  context: { initial: { org: 'Parley' } },
  initial: 'a',
  stages: {
    a: { guidance: 'Stage A.', next: [{ to: 'b', name: 'go_b', intent: 'Go to B.' }] },
    b: { guidance: 'Stage B.', next: [{ to: 'a', name: 'go_a', intent: 'Go to A.' }] },
  },
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(values: Float64Array) {
  const sorted = Float64Array.from(values).sort();
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = () => {
  gc?.();
  gc?.();
  return getHeapStatistics().used_heap_size;
};

function waitForMessage<T>(worker: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      worker.off('message', onMessage);
      resolve(message as T);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Polling a condition in a benchmark driver, not in the engine.
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measure(calls: number): Promise<Record<string, string | number>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bench-calls-'));
  const callSids = Array.from({ length: calls }, (_, i) => `CA${i.toString(16).padStart(32, '0')}`);
  // 1. The load worker's model server must listen before the engine knows its URL; the call ids come after.
  // The worker runs TypeScript like this thread does: tsx's loader is registered in it first.
  const entry = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./calls-load.ts', import.meta.url).href)}); })`;
  const worker = new Worker(entry, {
    eval: true,
    workerData: { authToken: AUTH_TOKEN, signedUrl: `${PUBLIC_URL.replace('https', 'wss')}/twilio/media`, callIds: [] as string[], callSids, transitionEveryMs: TRANSITION_EVERY_MS, port: 0 } satisfies LoadSetup,
  });
  const callIds: string[] = [];
  const { port: modelPort } = await waitForMessage<{ port: number }>(worker, 'model');
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      PARLEY_FLOWS_DIR: '',
      PARLEY_EXAMPLE_DATA: 'off',
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_REALTIME_URL: `ws://127.0.0.1:${modelPort}/v1/realtime`,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_URL,
    },
    { dataDir, port: 0 },
  );
  const engine = await createEngine(config, { env: {} });
  const app = await build({ services: engine, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  await engine.repositories.flows.create(FLOW);
  await engine.repositories.flows.publish(FLOW.id);
  await engine.repositories.numbers.create({ number: CLINIC, flowId: FLOW.id });
  for (const callSid of callSids) {
    const routed = await engine.runtime.prepareInbound({ callSid, from: '+15125550142', to: CLINIC });
    if (!routed.ok) throw new Error(routed.message);
    callIds.push(routed.callId);
  }
  const heapBefore = heapUsed();

  // 2. The streams connect; every call starts, speaks, and moves between stages.
  worker.postMessage({ type: 'ids', callIds });
  worker.postMessage({ type: 'connect', port });
  await waitForMessage(worker, 'connected');
  await until(() => engine.runtime.liveCalls.size === calls, `${calls} live calls`, 180_000);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const heapLive = heapUsed();

  // 3. Measure.
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  worker.postMessage({ type: 'measure', ms: MEASURE_MS });
  const report = await waitForMessage<LoadReport & { sessions: number }>(worker, 'report');
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const loop = performance.eventLoopUtilization(elu);

  worker.postMessage({ type: 'stop' });
  await new Promise((resolve) => worker.once('exit', resolve));
  await app.close();
  await engine.close();
  await rm(dataDir, { recursive: true, force: true });

  const inbound = summary(report.inbound);
  const outbound = summary(report.outbound);
  const transitions = summary(report.transitions);
  const turns = summary(report.turns);
  const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(2));
  return {
    calls,
    'in p50': ms(inbound.p50),
    'in p99': ms(inbound.p99),
    'in max': ms(inbound.max),
    'in >20ms': report.lateInbound,
    'out p50': ms(outbound.p50),
    'out p99': ms(outbound.p99),
    'out max': ms(outbound.max),
    'out >20ms': report.lateOutbound,
    'transition p50': ms(transitions.p50),
    'transition p99': ms(transitions.p99),
    transitions: transitions.n,
    'turn→create p50': ms(turns.p50),
    'turn→create p99': ms(turns.p99),
    'frames/s': Math.round(((report.framesReceived + report.deltasReceived) / wall) * 1000),
    'engine loop %': Math.round(loop.utilization * 100),
    'process CPU %': Math.round(((used.user + used.system) / 1000 / wall) * 100),
    'heap/call KB': Math.round((heapLive - heapBefore) / calls / 1024),
  };
}

const rows: Array<Record<string, string | number>> = [];
for (const calls of COUNTS.length > 0 ? COUNTS : [50, 100, 250, 500]) {
  const row = await measure(calls);
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(`\nLive calls (${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; latencies in ms, load side timestamps, two loopback hops included)${gc ? '' : ' — run with --expose-gc for heap figures'}`);
console.table(rows);
