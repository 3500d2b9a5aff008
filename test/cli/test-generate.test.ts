/**
 * `parley test --generate`: skeleton cases for the transitions no case covers,
 * refused with FLOW_TEST_PLACEHOLDER until a person fills in the TODOs, green
 * once they are, and never written twice.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit } from 'yaml';
import { main } from '../../engine/cli/main.js';
import { runFlowTests } from '../../engine/flow-tests/run-flow-tests.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function parley(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Fills every TODO the way a person would: a plain caller line, a plain value. */
function fillPlaceholders(text: string, values: Record<string, unknown> = {}): string {
  const doc = parseDocument(text);
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string' || !pair.value.value.startsWith('TODO')) return;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      pair.value.value = key === 'caller' ? 'Hello, I am calling about a visit.' : (values[key] ?? 'Maria');
    },
  });
  return doc.toString({ lineWidth: 0 });
}

let temp: string;

beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'parley-generate-'));
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('parley test --generate', () => {
  it('writes a case per uncovered transition; they refuse to run until filled in, then pass', async () => {
    const dir = path.join(temp, 'front-desk');
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const flow = path.join(dir, 'front-desk.yaml');
    await copyFile(path.join(ROOT, 'test/fixtures/flow-tests/front-desk.yaml'), flow);

    const generated = await parley(['test', '--generate', flow]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain('created with 5 cases');
    expect(generated.stdout).toContain('+ covers help → $previous (intent back)');
    expect(generated.stdout).toContain('also covers any stage → help (intent needs_help)');

    const testFile = path.join(dir, 'front-desk.test.yaml');
    const text = await readFile(testFile, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=')).toBe(true);
    expect(text).toContain('- caller: bye');
    expect(text).toContain('caller: { presses: "0" }');
    expect(text).toContain('caller: { silence: 6s }');
    expect(text).toContain('with: { name: "TODO: name (text): The caller\'s name." }');
    expect(text).toContain('expect: { stage: welcome }');

    // Not filled in: the cases with TODOs are refused with the coded error at file:line.
    const before = await runFlowTests([dir]);
    const refused = before.files[0]!.cases.filter((c) => c.failures.some((f) => f.code === 'FLOW_TEST_PLACEHOLDER'));
    expect(refused.map((c) => c.name).sort()).toEqual(['covers details → goodbye (intent confirmed)', 'covers details → goodbye (silence 5s)', 'covers help → $previous (intent back)']);
    const failure = refused[0]!.failures[0]!;
    expect(failure.position?.line).toBeGreaterThan(0);
    expect(failure.message).toContain('is not filled in yet');
    // The cases with nothing to fill in already run and pass.
    expect(before.files[0]!.cases.filter((c) => c.status === 'passed')).toHaveLength(2);

    // Generating again adds nothing: the unfilled cases still stand for their transitions.
    const again = await parley(['test', '--generate', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to add');
    expect(await readFile(testFile, 'utf8')).toBe(text);

    // Filled in as a person would: green.
    await writeFile(testFile, fillPlaceholders(text));
    const after = await runFlowTests([dir]);
    const failures = after.files[0]!.cases.flatMap((c) => c.failures.map((f) => `${c.name}: ${f.message}`));
    expect(failures).toEqual([]);
    expect(after.files[0]!.coverage!.transitions.every((t) => t.fired)).toBe(true);
  }, 60_000);

  it('appends to an existing test file, keeping its text, and fills the gaps of home-services up to green', async () => {
    const dir = path.join(temp, 'home');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await copyFile(path.join(ROOT, 'flows/home-services.yaml'), path.join(dir, 'home-services.yaml'));
    const testFile = path.join(dir, 'home-services.test.yaml');
    const existing = [
      '# My own cases: this comment stays.',
      'defaults:',
      '  now: 2026-01-06T15:00:00Z',
      '  seeds: { calendar: [hvac], crm: [hvac] }',
      'cases:',
      '  # A gas smell: no model needed.',
      '  - name: a gas smell ends the call with safety advice',
      '    turns:',
      '      - caller: I think I smell gas in the kitchen.',
      '        expect: { stage: gas_safety }',
      '',
    ].join('\n');
    await writeFile(testFile, existing);

    const generated = await parley(['test', '--generate', path.join(dir, 'home-services.yaml')]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/added \d+ cases \(\d+\/31 transitions covered by existing cases\)/);
    const text = await readFile(testFile, 'utf8');
    expect(text.startsWith(existing.trimEnd())).toBe(true);
    // The keyword route the existing case covers gets no case of its own.
    expect(text).not.toContain('name: covers any stage → gas_safety');
    expect(text).toContain('name: covers any stage → front_desk (intent talk_to_person, dtmf 0)');
    expect(text).toContain('faults:\n      - { use: calendar.findBookings }');

    // Fill in a few cases the way a person would, and run them.
    const filled = fillPlaceholders(text, { serviceId: 'hvac-repair', issue: 'The furnace makes a noise.' });
    await writeFile(testFile, filled);
    const report = await runFlowTests([dir], { caseFilter: 'front_desk' });
    const cases = report.files[0]!.cases;
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining(['covers pick_time → front_desk (on find_times.error)', 'covers find_bookings → front_desk (on lookup_bookings.error)', 'covers no_bookings → front_desk (intent office_lookup)']),
    );
    expect(cases.flatMap((c) => c.failures.map((f) => `${c.name}: ${f.message}`))).toEqual([]);
  }, 90_000);

  it('exits 2 when a path does not exist', async () => {
    const result = await parley(['test', '--generate', path.join(temp, 'missing.yaml')]);
    expect(result.code).toBe(2);
  });
});
