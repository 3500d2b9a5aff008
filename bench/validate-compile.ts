/**
 * Issue 2's figure: how long a generated 1,000-stage flow takes to validate
 * (lint, with the connector catalog) and compile, together — what publishing a
 * flow costs. DESIGN §8 target: ≤ 150 ms on a 2-core machine.
 *
 *   npx tsx bench/validate-compile.ts [--stages 1000] [--runs 15]
 *
 * Each run lints and compiles a flow with different text (bench/flow-generator.ts),
 * so no cache flatters the figure; the first run of the process (JIT and Ajv
 * warm-up) is reported apart. Wall time is what a user waits; CPU time is this
 * process's own work, the steadier figure on a busy machine.
 */
import { loadavg } from 'node:os';
import { compileFlow } from '../engine/flow/compile-flow.js';
import { lintFlow } from '../engine/flow/lint-flow.js';
import type { Flow } from '../engine/types/flow.generated.js';
import { catalog, generateFlow } from './flow-generator.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const STAGES = argument('stages', 1000);
const RUNS = argument('runs', 15);

interface Sample {
  wall: number;
  cpu: number;
}

function measure(run: () => void): Sample {
  const cpu = process.cpuUsage();
  const started = performance.now();
  run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function validateAndCompile(document: Record<string, unknown>): void {
  const { findings, flow } = lintFlow(document, { catalog });
  if (!flow) throw new Error(`the generated flow does not validate: ${findings.filter((f) => f.severity === 'error').slice(0, 3).map((f) => f.message).join('; ')}`);
  compileFlow(flow as Flow, { catalog });
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

const documents = Array.from({ length: RUNS + 1 }, (_, seed) => generateFlow(STAGES, seed));
const first = measure(() => validateAndCompile(documents[0]!));
const samples = documents.slice(1).map((document) => measure(() => validateAndCompile(document)));
const wall = samples.map((s) => s.wall);
const cpu = samples.map((s) => s.cpu);

console.log(`validate + compile, ${STAGES} stages, ${RUNS} runs (load average ${loadavg()[0]!.toFixed(2)}, node ${process.version})`);
console.log(`  first in process (warm-up)  wall ${ms(first.wall)}  cpu ${ms(first.cpu)}`);
console.log(`  next ${RUNS}: wall min ${ms(Math.min(...wall))} median ${ms(quantile(wall, 0.5))} max ${ms(Math.max(...wall))}`);
console.log(`            cpu  min ${ms(Math.min(...cpu))} median ${ms(quantile(cpu, 0.5))} max ${ms(Math.max(...cpu))}`);
console.log(`  target ≤ 150 ms: median wall ${quantile(wall, 0.5) <= 150 ? 'met' : 'NOT met'}`);
