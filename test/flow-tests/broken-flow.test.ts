/**
 * What a flow designer sees when a change breaks a flow its tests describe:
 * the dental flow with one transition retargeted (a confirmed parent is sent
 * straight to `find_time`, skipping `gather`) fails its cases with the turn,
 * the expected stage and the actual one — through the runner and the CLI.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlowTests } from '../../engine/flow-tests/run-flow-tests.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-built.js';

const CASE = 'books both children side by side and texts the confirmation';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-broken-flow-'));
  const source = readFileSync(path.join(ROOT, 'flows/dental-outreach.yaml'), 'utf8');
  const retargeted = source.replace(/- to: gather\n(\s+)name: parent_confirmed\n/, '- to: find_time\n$1name: parent_confirmed\n');
  // The edit took: exactly one transition changed.
  expect(retargeted).not.toBe(source);
  writeFileSync(path.join(dir, 'dental-outreach.yaml'), retargeted);
  copyFileSync(path.join(ROOT, 'flows/dental-outreach.test.yaml'), path.join(dir, 'dental-outreach.test.yaml'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a retargeted transition', () => {
  it('fails the cases that go through it, naming the turn, the expected and the actual stage', { timeout: 120_000 }, async () => {
    const report = await runFlowTests([dir], { caseFilter: CASE });
    const result = report.files[0]!.cases.find((c) => c.name === CASE)!;
    expect(result.status).toBe('failed');
    const failure = result.failures.find((f) => f.turn === 2)!;
    expect(failure).toMatchObject({ code: 'FLOW_TEST_EXPECTATION', turn: 2, expected: 'gather', actual: 'find_time' });
    expect(failure.turnLabel).toContain('turn 2');
    expect(failure.message).toContain('gather');
    expect(failure.message).toContain('find_time');
    // Where the expectation is written, to jump to.
    expect(failure.position?.line).toBeGreaterThan(0);
  });

  it('makes `parley test` exit 1 and print the turn and both stages', { timeout: 180_000 }, async () => {
    await ensureBuilt();
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/parley.js'), 'test', dir, '-t', CASE], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/turn 2 \(caller says "Yes, this is Maria\."\)/);
    expect(run.stdout).toMatch(/expected stage `gather`/);
    expect(run.stdout).toContain('find_time');
    expect(run.stdout).toMatch(/1 failed/);
  });

  it('the unbroken flow passes the same case (the failure above is the edit\'s doing)', { timeout: 120_000 }, async () => {
    const report = await runFlowTests([path.join(ROOT, 'flows/dental-outreach.test.yaml')], { caseFilter: CASE });
    expect(report.files[0]!.cases.map((c) => c.status)).toEqual(['passed']);
  });
});
