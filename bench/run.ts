/**
 * Runs the benchmarks in bench/, one process each (so one cannot warm up or
 * slow down the next), in name order, with `--expose-gc` for heap figures.
 *
 *   npm run bench                 # every benchmark
 *   npm run bench -- calls        # bench/calls.ts only (arguments after the names are passed on)
 *   npm run bench -- calls 100    # bench/calls.ts with N = 100
 *
 * A benchmark is a bench/*.ts file that no other bench file imports (those
 * are helpers, such as flow generators or a benchmark's worker side).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir).filter((file) => file.endsWith('.ts') && file !== 'run.ts');
const imported = new Set<string>();
for (const file of files) {
  const source = readFileSync(path.join(dir, file), 'utf8');
  for (const match of source.matchAll(/from '\.\/([\w.-]+)\.js'|new URL\('\.\/([\w.-]+)\.ts'/g)) imported.add(`${match[1] ?? match[2]}.ts`);
}
const benchmarks = files.filter((file) => !imported.has(file)).sort();

const args = process.argv.slice(2);
const names = args.filter((arg) => benchmarks.includes(`${arg}.ts`));
const rest = args.filter((arg) => !names.includes(arg));
const selected = names.length > 0 ? names.map((name) => `${name}.ts`) : benchmarks;
if (args.length > 0 && names.length === 0 && rest.length === args.length && !/^\d/.test(args[0]!)) {
  console.error(`bench: no benchmark named ${args[0]}. Benchmarks: ${benchmarks.map((file) => file.replace(/\.ts$/, '')).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const file of selected) {
  console.log(`\n=== bench/${file} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, file), ...rest], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
