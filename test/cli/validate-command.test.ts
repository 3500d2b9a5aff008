/**
 * `parley validate` as users run it: the built CLI (`node bin/parley.js`) in a
 * child process, checking its output and exit codes 0/1/2.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValidateReport } from '../../engine/cli/format-validate-report.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-built.js';

function parley(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/parley.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let temp: string;

beforeAll(async () => {
  await ensureBuilt();
  temp = await mkdtemp(path.join(tmpdir(), 'parley-validate-'));
}, 180_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('parley validate', () => {
  it('reports valid flows in a folder and exits 0', () => {
    const { code, stdout } = parley(['validate', 'test/fixtures/flows/valid']);
    expect(code).toBe(0);
    expect(stdout).toContain('✓ test/fixtures/flows/valid/minimal.yaml');
    expect(stdout).toContain('✓ test/fixtures/flows/valid/service-desk.json');
    expect(stdout).toContain('✓ test/fixtures/flows/valid/group-end-stage.yaml');
    expect(stdout).toMatch(/4 flows checked: 4 valid, 0 with errors \(0 errors, 0 warnings\)/);
  });

  it('explains an unknown stage with file:line:column, pointer, the name and a hint, and exits 1', () => {
    const { code, stdout } = parley(['validate', 'test/fixtures/flows/invalid/unknown-target.yaml']);
    expect(code).toBe(1);
    expect(stdout).toContain('test/fixtures/flows/invalid/unknown-target.yaml:13:13  error  Transition 1 of stage `greeting` names stage `reassur`, which does not exist.  [FLOW_UNKNOWN_STAGE]');
    expect(stdout).toContain('    at /stages/greeting/next/0/to');
    expect(stdout).toContain('    hint: Did you mean `reassure`?');
    expect(stdout).toMatch(/1 flow checked: 0 valid, 1 with errors \(1 error, 1 warning\)/);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const { code, stdout } = parley(['validate', 'test/fixtures/flows/invalid/bad-yaml-unclosed-quote.yaml']);
    expect(code).toBe(1);
    expect(stdout).toContain('bad-yaml-unclosed-quote.yaml:6:17  error  Not valid YAML: this quoted text is never closed.  [FLOW_SYNTAX]');
  });

  it('searches folders recursively, skipping flow tests, dependencies and hidden folders', async () => {
    const dir = path.join(temp, 'search');
    const flow = 'id: ok\nname: Ok\nagent: { instructions: Hi }\ninitial: a\nstages:\n  a: { guidance: Hi, next: [{ to: b, intent: Done }] }\n  b: { type: end }\n';
    await mkdir(path.join(dir, 'nested/deeper'), { recursive: true });
    await mkdir(path.join(dir, 'node_modules/pkg'), { recursive: true });
    await mkdir(path.join(dir, '.hidden'), { recursive: true });
    await writeFile(path.join(dir, 'one.yaml'), flow);
    await writeFile(path.join(dir, 'nested/two.yml'), flow);
    await writeFile(path.join(dir, 'nested/deeper/three.json'), JSON.stringify({ id: 'three', name: 'Three', agent: { instructions: 'Hi' }, initial: 'a', stages: { a: { type: 'end' } } }));
    for (const skipped of ['one.test.yaml', 'nested/two.test.yml', 'nested/three.test.json', 'node_modules/pkg/broken.yaml', '.hidden/broken.yaml', 'notes.txt']) {
      await writeFile(path.join(dir, skipped), 'this: [is not a flow');
    }
    const { code, stdout } = parley(['validate', dir]);
    expect(code).toBe(0);
    const checked = stdout.split('\n').filter((line) => line.startsWith('✓')).map((line) => path.relative(dir, line.slice(2)));
    expect(checked).toEqual(['nested/deeper/three.json', 'nested/two.yml', 'one.yaml']);
  });

  it('never checks a flow test as a flow, even when it is named: it says to run `parley test`', async () => {
    const file = path.join(temp, 'named.test.yaml');
    await writeFile(file, 'cases: [ { name: a, turns: [ { caller: Hello } ] } ]\n');
    const { code, stdout } = parley(['validate', 'test/fixtures/flows/valid/minimal.yaml', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`ℹ ${file} is a flow test, not a flow: \`parley test ${file}\` checks and runs it.`);
    expect(stdout).toMatch(/1 flow checked: 1 valid/);
  });

  it('exits 2 on a missing path, even when other flows are fine', () => {
    const { code, stdout } = parley(['validate', 'test/fixtures/flows/valid/minimal.yaml', 'no/such/flow.yaml']);
    expect(code).toBe(2);
    expect(stdout).toContain('✓ test/fixtures/flows/valid/minimal.yaml');
    expect(stdout).toContain('no/such/flow.yaml  error  cannot read it: no such file or folder  [IO]');
  });

  it('exits 2 on usage errors, with the usage on stderr', () => {
    for (const args of [['validate'], ['validate', '--verbose', 'flows'], ['validate', 'flows', '--catalog']]) {
      const { code, stderr, stdout } = parley(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('Usage: parley validate');
      expect(stdout).toBe('');
    }
  });

  it('exits 2 when the catalog cannot be read', () => {
    const { code, stderr } = parley(['validate', 'test/fixtures/flows/valid', '--catalog', 'no-such-catalog.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the catalog no-such-catalog.json');
  });

  it('checks connector operations against the built-in connectors, or the catalog given with --catalog', () => {
    const builtIn = parley(['validate', 'test/fixtures/flows/invalid/unknown-operation.yaml']);
    expect(builtIn.code).toBe(1);
    expect(builtIn.stdout).toContain('Did you mean `calendar.findSlots`?');
    expect(builtIn.stdout).toMatch(/`crn\.addNote`[^\n]*FLOW_UNKNOWN_OPERATION/);
    const withCatalog = parley(['validate', 'test/fixtures/flows/invalid/unknown-operation.yaml', '--catalog', 'test/fixtures/catalog/test-catalog.json']);
    expect(withCatalog.code).toBe(1);
    expect(withCatalog.stdout).toContain('Did you mean `calendar.findSlots`?');
  });

  it('prints a machine-readable report with --json', () => {
    const { code, stdout } = parley(['validate', '--json', 'test/fixtures/flows/invalid/unknown-target.yaml', 'test/fixtures/flows/valid/minimal.yaml']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.counts).toEqual({ files: 2, valid: 1, invalid: 1, errors: 1, warnings: 1, infos: 0, unreadable: 0 });
    expect(report.exitCode).toBe(1);
    expect(report.notes).toEqual([]);
    const [invalid, valid] = report.files;
    expect(valid).toEqual({ file: 'test/fixtures/flows/valid/minimal.yaml', findings: [], valid: true });
    expect(invalid.valid).toBe(false);
    expect(invalid.findings[0]).toMatchObject({
      code: 'FLOW_UNKNOWN_STAGE',
      severity: 'error',
      pointer: '/stages/greeting/next/0/to',
      position: { line: 13, column: 13 },
      file: 'test/fixtures/flows/invalid/unknown-target.yaml',
    });
  });

  it('uses no colours when the output is not a terminal', () => {
    const { stdout } = parley(['validate', 'test/fixtures/flows/invalid/unknown-target.yaml'], { FORCE_COLOR: '1' });
    expect(stdout).not.toContain('\u001b[');
  });

  it('lists validate in the help', () => {
    const { code, stdout } = parley(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('validate');
    expect(parley(['validate', '--help']).stdout).toContain('Exit status: 0 no errors');
  });
});

describe('formatValidateReport', () => {
  const report = {
    files: [
      { file: 'a.yaml', findings: [] },
      { file: 'b.yaml', findings: [{ code: 'FLOW_DEAD_END' as const, severity: 'error' as const, pointer: '/stages/x', position: { line: 3, column: 3 }, message: 'Stage `x` has no way out.', hint: 'Add a transition.' }] },
    ],
    problems: [],
    notes: [],
  };

  it('colours severities only when asked', () => {
    expect(formatValidateReport(report, { color: false })).toBe(
      ['✓ a.yaml', 'b.yaml:3:3  error  Stage `x` has no way out.  [FLOW_DEAD_END]', '    at /stages/x', '    hint: Add a transition.', '', '2 flows checked: 1 valid, 1 with errors (1 error, 0 warnings)'].join('\n'),
    );
    const colored = formatValidateReport(report, { color: true });
    expect(colored).toContain('\u001b[31merror\u001b[0m');
    expect(colored).toContain('\u001b[32m✓\u001b[0m a.yaml');
  });
});
