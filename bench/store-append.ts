/**
 * Call-event append cost on the SQLite store, the write path of every live
 * call (DESIGN §3 durability). Measures, on a fresh file in the temp folder:
 *
 *   1. one writer appending and awaiting each event (latency per append);
 *   2. a burst of events appended at once to one call (the batched path);
 *   3. 100 calls appending at once, 20 events each (throughput);
 *   4. a steady 500 events/s spread over 100 calls for a few seconds, with the
 *      event loop's delay measured meanwhile — what live audio would feel.
 *
 * for synchronous=NORMAL (the default: survives a process crash) and FULL
 * (also survives a power cut: fsync per commit), each with WAL checkpoints in
 * a worker thread (the default) and inline in commits (SQLite's default).
 *
 *   npx tsx bench/store-append.ts [--events 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCallRepository } from '../engine/store/call-repository.js';
import { openSqliteStore } from '../engine/store/sqlite-store.js';

const eventsArg = process.argv.indexOf('--events');
const SEQUENTIAL = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 5000;
const BURST = 200;
const CALLS = 100;
const PER_CALL = 20;
const STEADY_SECONDS = 6;
/** 5 events every 10 ms = 500 events/s. */
const STEADY_EVERY_MS = 10;
const STEADY_PER_TICK = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const transcript = (i: number) => ({ kind: 'transcript' as const, data: { role: (i % 2 ? 'caller' : 'agent') as 'caller' | 'agent', text: `Line ${i}: yes, Tuesday at nine works for both kids.`, stage: 'scheduling' } });

async function run(synchronous: 'normal' | 'full', checkpoint: 'background' | 'inline'): Promise<Record<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const store = openSqliteStore({ file: path.join(dir, 'parley.db'), synchronous, checkpoint });
  const calls = await createCallRepository(store);
  const base = { flowId: 'bench', flowVersion: 1, direction: 'inbound' as const, from: '+15125550100', to: '+15125550199', status: 'live' as const };

  // 1. Sequential, awaited.
  const one = await calls.create(base);
  for (let i = 0; i < 50; i++) await calls.appendEvent(one.id, transcript(i)); // warm-up
  const latencies: number[] = [];
  const seqStart = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    await calls.appendEvent(one.id, transcript(i));
    latencies.push(performance.now() - t);
  }
  const seqSeconds = (performance.now() - seqStart) / 1000;
  latencies.sort((a, b) => a - b);

  // 2. A burst on one call.
  const burstCall = await calls.create(base);
  const burstStart = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => calls.appendEvent(burstCall.id, transcript(i))));
  const burstMs = performance.now() - burstStart;

  // 3. Many calls at once.
  const many = await Promise.all(Array.from({ length: CALLS }, () => calls.create(base)));
  const manyStart = performance.now();
  await Promise.all(many.map(async (call) => {
    for (let i = 0; i < PER_CALL; i++) await calls.appendEvent(call.id, transcript(i));
  }));
  const manySeconds = (performance.now() - manyStart) / 1000;

  // 4. Steady load, measuring how late the event loop runs.
  let next = 0;
  let appended = 0;
  const pending: Array<Promise<unknown>> = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const timer = setInterval(() => {
    for (let i = 0; i < STEADY_PER_TICK; i++) {
      pending.push(calls.appendEvent(many[next++ % CALLS]!.id, transcript(appended++)));
    }
  }, STEADY_EVERY_MS);
  await sleep(STEADY_SECONDS * 1000);
  clearInterval(timer);
  loopDelay.disable();
  await Promise.all(pending);

  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    synchronous,
    checkpoint,
    'awaited p50 ms': percentile(latencies, 50).toFixed(3),
    'awaited p99 ms': percentile(latencies, 99).toFixed(3),
    'p99.9 ms': percentile(latencies, 99.9).toFixed(3),
    'max ms': latencies.at(-1)!.toFixed(3),
    'awaited events/s': Math.round(SEQUENTIAL / seqSeconds).toString(),
    [`burst of ${BURST} ms`]: burstMs.toFixed(1),
    [`${CALLS} calls x ${PER_CALL} events/s`]: Math.round((CALLS * PER_CALL) / manySeconds).toString(),
    'steady 500/s: loop delay p99 ms': (loopDelay.percentile(99) / 1e6).toFixed(1),
    'loop delay max ms': (loopDelay.max / 1e6).toFixed(1),
  };
}

const rows = [];
for (const synchronous of ['normal', 'full'] as const) for (const checkpoint of ['background', 'inline'] as const) rows.push(await run(synchronous, checkpoint));
console.log(`node ${process.version}, ${SEQUENTIAL} awaited appends per mode`);
console.table(rows);
