/**
 * How long a 1,000-stage flow takes to compile, to start a call on, and to
 * move from stage to stage (intent call → next stage's `session.update`).
 *
 *   npx tsx bench/compile-large-flow.ts [stages=1000] [runs=15]
 *
 * The flow (bench/large-flow.ts) is shaped like a big real one. Each compile
 * gets a fresh copy of it (nothing is cached between runs but what the
 * JavaScript engine keeps). Wall time and CPU time are both reported: on a
 * shared machine the wall time includes waiting for a core; the CPU time
 * (this process, all threads, so GC included) does not.
 */
import { loadavg } from 'node:os';
import { compileFlow } from '../engine/flow/compile-flow.js';
import type { CompiledFlow } from '../engine/flow/compiled-flow.js';
import { createCallInterpreter } from '../engine/interpreter/create-call-interpreter.js';
import type { Stage } from '../engine/types/flow.generated.js';
import { createManualClock } from '../engine/util/clock.js';
import { buildLargeFlow } from './large-flow.js';

const STAGES = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 15);

interface Sample {
  wall: number;
  cpu: number;
}

function measure<T>(run: () => T): [T, Sample] {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return [value, { wall, cpu: (used.user + used.system) / 1000 }];
}

function stats(samples: number[]): { min: number; median: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { min: sorted[0]!, median: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}
const ms = (value: number) => `${value.toFixed(2)} ms`;
const summary = (samples: Sample[], withP99 = false) => {
  const wall = stats(samples.map((s) => s.wall));
  const cpu = stats(samples.map((s) => s.cpu));
  return withP99
    ? `wall median ${ms(wall.median)} p99 ${ms(wall.p99)} max ${ms(wall.max)} | cpu median ${ms(cpu.median)} p99 ${ms(cpu.p99)}`
    : `wall min ${ms(wall.min)} median ${ms(wall.median)} max ${ms(wall.max)} | cpu min ${ms(cpu.min)} median ${ms(cpu.median)}`;
};

const flow = buildLargeFlow(STAGES);
const countStages = (map: Record<string, Stage>): number => Object.values(map).reduce((n, stage) => n + 1 + (stage.stages ? countStages(stage.stages) : 0), 0);
const load = () => loadavg()[0]!.toFixed(2);

// The first compile of the process also warms up (JIT) the compiler itself.
const [first, firstSample] = measure(() => compileFlow(structuredClone(flow)));
let compiled: CompiledFlow = first;
const compiles: Sample[] = [];
for (let run = 0; run < RUNS; run++) {
  const copy = structuredClone(flow);
  const [value, sample] = measure(() => compileFlow(copy));
  compiled = value;
  compiles.push(sample);
}

const clock = createManualClock();
const call = { id: 'bench', from: '+15125550100', to: '+15125550123', direction: 'inbound' as const, parameters: {}, startedAt: new Date(clock.now()).toISOString() };
const starts: Sample[] = [];
for (let run = 0; run < RUNS; run++) starts.push(measure(() => createCallInterpreter(compiled, { call, clock }).start())[1]);

// Stage to stage: an intent call in, the next stage's session.update out. The
// first lap enters every stage once (templates generate their code and Ajv
// compiles collect schemas on first use, once per flow version); the second
// lap is what a flow in service costs.
const interpreter = createCallInterpreter(compiled, { call, clock });
interpreter.start();
const lap = (count: number): Sample[] => {
  const samples: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const stage = compiled.stages.get(interpreter.stage!)!;
    const intent = stage.intents[0]!;
    const args = intent.collectKeys.length > 0 ? { [intent.collectKeys[0]!]: 'yes' } : {};
    const [effects, sample] = measure(() => interpreter.send({ type: 'model.calls', calls: [{ callId: `c${n}`, name: intent.intentName!, arguments: args }] }));
    samples.push(sample);
    if (!effects.some((effect) => effect.type === 'session.update')) throw new Error(`no session.update at ${stage.name}: ${JSON.stringify(effects)}`);
  }
  return samples;
};
const leaves = [...compiled.stages.values()].filter((stage) => stage.leaf && stage.kind === 'talk').length;
const firstLap = lap(leaves);
const secondLap = lap(leaves);

console.log(`flow: ${countStages(flow.stages)} stages, ${compiled.transitions.size} transitions, ${Object.keys(flow.tools ?? {}).length} tools; load average ${load()}`);
console.log(`compileFlow, first in process: wall ${ms(firstSample.wall)} | cpu ${ms(firstSample.cpu)}`);
console.log(`compileFlow, next ${RUNS}: ${summary(compiles)}`);
console.log(`createCallInterpreter + start (machine.provide per call): ${summary(starts)}`);
console.log(`intent call → next stage's session.update, first visit of each stage (${firstLap.length}): ${summary(firstLap, true)}`);
console.log(`intent call → next stage's session.update, in service (${secondLap.length}): ${summary(secondLap, true)}`);
