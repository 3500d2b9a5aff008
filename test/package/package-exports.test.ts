/**
 * The package's `exports` as a connector author meets them: a project of its
 * own with Parley in `node_modules` (a symlink to this repository, built),
 * importing `parley/connector-sdk` and `parley/testing` with plain Node and
 * type-checking against them with `tsc`.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/ensure-built.js';

let project: string;

/** A JavaScript connector, as `docs/connectors.md` shows it, importing only the SDK entry point. */
const CONNECTOR = `
import { defineConnector, operation, OperationError } from 'parley/connector-sdk';

export default defineConnector({
  name: 'weather',
  version: '1.0.0',
  description: 'Forecasts for the agent to read out.',
  operations: {
    forecast: operation({
      description: "Tomorrow's forecast for a city.",
      input: { type: 'object', required: ['city'], additionalProperties: false, properties: { city: { type: 'string', description: 'City name' } } },
      output: { type: 'object', required: ['summary'], properties: { summary: { type: 'string' } } },
      idempotent: true,
      async run(input) {
        if (input.city === 'Atlantis') throw new OperationError('WEATHER_UNKNOWN_CITY', 'No forecast for Atlantis');
        return { summary: \`Sunny in \${input.city}\` };
      },
    }),
  },
});
`;

/** Its test, with the kit and a double from `parley/testing`; prints what it saw. */
const CHECK = `
import { createFakeTwilioRest, createConversationScript, loadConnectorForTest } from 'parley/testing';

const kit = await loadConnectorForTest(new URL('./weather/index.js', import.meta.url).pathname, { now: '2026-01-05T15:00:00Z' });
try {
  const sunny = await kit.ok('forecast', { city: 'Austin' });
  await kit.fails('forecast', { city: 'Atlantis' }, 'WEATHER_UNKNOWN_CITY');
  console.log(JSON.stringify({ sunny, fake: typeof createFakeTwilioRest, script: typeof createConversationScript }));
} finally {
  await kit.close();
}
`;

/** The same manifest in TypeScript: the `types` of the entry point must resolve and check. */
const TYPED = `
import { defineConnector, operation, type ConnectorContext } from 'parley/connector-sdk';
import type { ConnectorTestKit } from 'parley/testing';

export async function forecast(input: { city: string }, ctx: ConnectorContext<{ units: string }>): Promise<{ summary: string }> {
  return { summary: \`\${input.city} in \${ctx.config.units}\` };
}

export default defineConnector({
  name: 'typed',
  version: '1.0.0',
  description: 'Typed.',
  operations: {
    forecast: operation<{ city: string }, { summary: string }>({
      description: 'Forecast.',
      input: { type: 'object', properties: { city: { type: 'string' } } },
      output: { type: 'object', properties: { summary: { type: 'string' } } },
    }),
  },
});

export type Kit = ConnectorTestKit;
`;

function run(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(async () => {
  await ensureBuilt();
  project = await mkdtemp(path.join(tmpdir(), 'parley-exports-'));
  await mkdir(path.join(project, 'node_modules'));
  await symlink(ROOT, path.join(project, 'node_modules', 'parley'), 'dir');
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'parley-weather', type: 'module', private: true }));
  await mkdir(path.join(project, 'weather'));
  await writeFile(path.join(project, 'weather', 'index.js'), CONNECTOR);
  await writeFile(path.join(project, 'check.mjs'), CHECK);
  await writeFile(path.join(project, 'typed.ts'), TYPED);
  await writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['typed.ts'] }),
  );
}, 180_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('package exports', () => {
  it('parley/connector-sdk and parley/testing resolve from a project of its own, and work', () => {
    const result = run(['check.mjs']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ sunny: { summary: 'Sunny in Austin' }, fake: 'function', script: 'function' });
    expect(result.status).toBe(0);
  });

  // A whole tsc run: seconds on a quiet machine, more while other jobs share the cores.
  it('type-checks against the entry points’ declarations', { timeout: 90_000 }, () => {
    const result = run([path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps everything else private: a deep import into dist/ is refused, package.json is readable', () => {
    const deep = run(['--input-type=module', '-e', "await import('parley/dist/engine/connectors/define-connector.js')"]);
    expect(deep.status).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const manifest = run(['--input-type=module', '-e', "import { createRequire } from 'node:module'; console.log(createRequire(import.meta.url)('parley/package.json').name)"]);
    expect(manifest.stdout.trim()).toBe('parley');
  });
});
