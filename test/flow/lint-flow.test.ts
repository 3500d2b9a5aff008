import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFlowText } from '../../engine/flow/load-flow.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';

const minimal = {
  id: 'minimal',
  name: 'Minimal',
  agent: { instructions: 'You are a test agent.' },
  initial: 'greeting',
  stages: {
    greeting: { guidance: 'Greet.', next: [{ to: 'closing', intent: 'Done.' }] },
    closing: { type: 'end', say: 'Bye.' },
  },
};

describe('lintFlow', () => {
  it('returns the typed flow only when there is no error (warnings allowed)', () => {
    expect(lintFlow(minimal)).toEqual({ findings: [], flow: minimal });
    const withWarning = { ...minimal, stages: { ...minimal.stages, orphan: { guidance: 'x', next: [{ to: 'closing', intent: 'Done.' }] } } };
    const warned = lintFlow(withWarning);
    expect(warned.findings.map((finding) => finding.code)).toEqual(['FLOW_UNREACHABLE_STAGE']);
    expect(warned.flow).toBe(withWarning);
    const broken = lintFlow({ ...minimal, initial: 'nowhere' });
    expect(broken.flow).toBeUndefined();
  });

  it('lints plain objects without positions, in document order', () => {
    const document = {
      ...minimal,
      stages: {
        greeting: { gudance: 'Greet.', next: [{ to: 'clsoing', intent: 'Done.' }] },
        closing: { type: 'end', say: 'Bye {{nobody}}.' },
      },
    };
    const { findings } = lintFlow(document, { file: 'api.json' });
    expect(findings.map((finding) => [finding.code, finding.pointer, finding.position, finding.file])).toEqual([
      ['FLOW_UNKNOWN_PROPERTY', '/stages/greeting/gudance', undefined, 'api.json'],
      ['FLOW_UNKNOWN_STAGE', '/stages/greeting/next/0/to', undefined, 'api.json'],
      ['FLOW_UNREACHABLE_STAGE', '/stages/closing', undefined, 'api.json'],
      ['FLOW_UNDEFINED_VARIABLE', '/stages/closing/say', undefined, 'api.json'],
    ]);
  });

  it('sorts loaded findings by line and column and keeps the loader findings', () => {
    const text = 'id: x\nname: X\nagent: { instructions: hi }\ninitial: a\nstages:\n  a: { guidance: "{{b}}", next: [{ to: zz, intent: go }] }\n  a: { guidance: "{{b}}", next: [{ to: zz, intent: go }] }\n';
    const { findings } = lintFlow(loadFlowText(text, { file: 'dup.yaml' }));
    const positions = findings.map((finding) => [finding.position!.line, finding.position!.column]);
    expect(positions).toEqual([...positions].sort((p, q) => p[0]! - q[0]! || p[1]! - q[1]!));
    expect(findings.map((finding) => finding.code)).toEqual(['FLOW_DUPLICATE_KEY', 'FLOW_UNDEFINED_VARIABLE', 'FLOW_UNKNOWN_STAGE']);
    expect(findings.every((finding) => finding.file === 'dup.yaml')).toBe(true);
  });

  it('stops after a syntax error: nothing else can be judged', () => {
    const { findings, flow } = lintFlow(loadFlowText('id: [unclosed\n', { file: 'bad.yaml' }));
    expect(findings.map((finding) => finding.code)).toEqual(['FLOW_SYNTAX']);
    expect(flow).toBeUndefined();
  });

  it('never throws and no check fails, however a valid flow is broken', () => {
    // Replace every value of two realistic flows, one at a time, by values of every other shape.
    const texts = ['test/fixtures/flows/valid/dental-outreach.yaml', 'test/fixtures/flows/valid/service-desk.json'].map((file) => loadFlowText(readFileSync(file, 'utf8'), { file }).value);
    const replacements: unknown[] = [null, 7, 'zz', [], {}, [{}], true];
    let runs = 0;
    for (const original of texts) {
      const pointers: string[][] = [];
      const walk = (value: unknown, path: string[]) => {
        pointers.push(path);
        if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, String(i)]));
        else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
      };
      walk(original, []);
      for (const [n, path] of pointers.entries()) {
        if (path.length === 0) continue;
        const replacement = replacements[n % replacements.length];
        const copy = structuredClone(original) as Record<string, unknown>;
        let parent: any = copy;
        for (const segment of path.slice(0, -1)) parent = parent[segment];
        parent[path.at(-1)!] = replacement;
        const { findings } = lintFlow(copy);
        runs++;
        const internal = findings.filter((finding) => finding.code === ('INTERNAL' as string));
        expect(internal, `${path.join('/')} = ${JSON.stringify(replacement)}`).toEqual([]);
      }
    }
    expect(runs).toBeGreaterThan(300);
  });

  it('accepts anything as input', () => {
    for (const input of [undefined, null, 42, 'flow', [], [minimal], { stages: 'x' }, { stages: { a: null } }, { global: 'x', tools: [1], stages: { a: { next: 'x', type: 'group', stages: [] } } }]) {
      const { findings, flow } = lintFlow(input);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.filter((finding) => finding.code === ('INTERNAL' as string))).toEqual([]);
      expect(flow).toBeUndefined();
    }
  });
});
