/**
 * How long validating a 1,000-stage flow takes (DESIGN §8: ≤ 150 ms for
 * validate + compile on a 2-core machine).
 *
 *   npx tsx bench/lint-large-flow.ts [--stages 1000] [--runs 15]
 *
 * The flow comes from bench/flow-generator.ts: groups of stages with guidance
 * templates, intents that collect values, `when` conditions, tools with
 * `with`/`assign`, onEnter actions, globals, a context schema. Each run lints
 * a flow with different text, so the parse caches (which make the editor's
 * re-lints cheap, and let the compiler reuse the linter's parse) do not
 * flatter the figures; the last lines show what they do for unchanged text.
 *
 * Wall time is what a user waits; CPU time is what this process used, the
 * better measure on a machine other work is slowing down.
 */
import { stringify } from 'yaml';
import { loadFlowText } from '../engine/flow/load-flow.js';
import { lintFlow } from '../engine/flow/lint-flow.js';
import { catalog, generateFlow } from './flow-generator.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const STAGES = argument('stages', 1000);
const RUNS = argument('runs', 15);

const countStages = (map: Record<string, any>): number => Object.values(map).reduce((n, stage) => n + 1 + (stage.stages ? countStages(stage.stages) : 0), 0);
const cpuNow = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

interface Sample {
  wall: number;
  cpu: number;
}

function time<T>(run: () => T): [T, Sample] {
  const wall = performance.now();
  const cpu = cpuNow();
  const value = run();
  return [value, { wall: performance.now() - wall, cpu: cpuNow() - cpu }];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (label: string, samples: Sample[]) => {
  const one = samples.length === 1;
  const wall = one ? samples[0]!.wall : median(samples.map((s) => s.wall));
  const cpu = one ? samples[0]!.cpu : median(samples.map((s) => s.cpu));
  return `  ${label.padEnd(44)} ${wall.toFixed(1).padStart(7)} ms wall  ${cpu.toFixed(1).padStart(7)} ms cpu`;
};

function main(): void {
  const flows = Array.from({ length: RUNS + 1 }, (_, seed) => generateFlow(STAGES, seed));
  const texts = flows.map((flow) => stringify(flow));
  const stages = countStages(flows[0]!.stages as Record<string, unknown>);

  const [firstLoaded, firstLoad] = time(() => loadFlowText(texts[0]!, { file: 'large.yaml' }));
  const [firstResult, firstLint] = time(() => lintFlow(firstLoaded, { catalog }));
  const errors = firstResult.findings.filter((finding) => finding.severity === 'error');
  if (errors.length) throw new Error(`the generated flow should have no errors: ${JSON.stringify(errors.slice(0, 3), null, 2)}`);

  const loads: Sample[] = [];
  const jsonLoads: Sample[] = [];
  const lints: Sample[] = [];
  const objects: Sample[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const [loaded, load] = time(() => loadFlowText(texts[run]!, { file: 'large.yaml' }));
    loads.push(load);
    lints.push(time(() => lintFlow(loaded, { catalog }))[1]);
    const json = JSON.stringify(flows[run], null, 2);
    jsonLoads.push(time(() => loadFlowText(json, { file: 'large.json' }))[1]);
  }
  // Plain objects, as the API receives them (fresh text again: new seeds).
  const more = Array.from({ length: RUNS }, (_, i) => generateFlow(STAGES, 1000 + i));
  for (const flow of more) objects.push(time(() => lintFlow(flow, { catalog }))[1]);
  const again = Array.from({ length: 5 }, () => time(() => lintFlow(flows.at(-1)!, { catalog }))[1]);

  console.log(`${stages} stages, ${(texts[0]!.length / 1024).toFixed(0)} KiB of YAML, ${firstResult.findings.length} warnings; node ${process.version}`);
  console.log('first in the process (Ajv compiles the flow schema, cold JIT):');
  console.log(format('load YAML text', [firstLoad]));
  console.log(format('lint', [firstLint]));
  console.log(`warm process, new text each run (median of ${RUNS}):`);
  console.log(format('load YAML text', loads));
  console.log(format('load JSON text', jsonLoads));
  console.log(format('lint the loaded document', lints));
  console.log(format('lint a plain object (API)', objects));
  console.log('warm process, unchanged text (parses cached, e.g. an editor re-lint):');
  console.log(format('lint a plain object', again));
}

main();
