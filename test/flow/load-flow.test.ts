import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../engine/errors/parley-error.js';
import { detectFormat, isLoadedFlow, loadFlowText } from '../../engine/flow/load-flow.js';
import { loadFlowFile } from '../../engine/flow/load-flow-file.js';

/** 1-based line:column of the first occurrence of `needle` in `text` (after `from`). */
function where(text: string, needle: string, from = 0): { line: number; column: number } {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const yamlText = `id: demo
stages:
  greeting:
    guidance: |
      Hello {{patient.name}}.
      Ask about {{#if}} nothing.
    next:
      - to: reassure
        intent: "The caller \\"doubts\\" it: {{x}}"
      - { to: gather, when: 'it''s {{y}}' }
  folded:
    say: >-
      one two
      three {{z}}
    plain: multi
      line {{w}}
    list: [a, b, c]
`;

describe('loadFlowText (YAML)', () => {
  const loaded = loadFlowText(yamlText, { file: 'flows/demo.yaml' });

  it('parses the document and reports nothing for valid YAML', () => {
    expect(loaded.findings).toEqual([]);
    expect(loaded.format).toBe('yaml');
    expect(isLoadedFlow(loaded)).toBe(true);
    expect(isLoadedFlow({ value: 1 })).toBe(false);
    expect((loaded.value as { stages: { greeting: { next: unknown[] } } }).stages.greeting.next).toHaveLength(2);
  });

  it('maps pointers to where the value starts, in block and flow style', () => {
    expect(loaded.positionOf('')).toEqual({ line: 1, column: 1 });
    expect(loaded.positionOf('/id')).toEqual(where(yamlText, 'demo'));
    expect(loaded.positionOf('/stages/greeting/next/0/to')).toEqual(where(yamlText, 'reassure'));
    expect(loaded.positionOf('/stages/greeting/next/0')).toEqual(where(yamlText, 'to: reassure'));
    expect(loaded.positionOf('/stages/greeting/next/1/to')).toEqual(where(yamlText, 'gather'));
    expect(loaded.positionOf('/stages/folded/list/2')).toEqual(where(yamlText, 'c]'));
  });

  it('falls back to the nearest existing ancestor for a missing property', () => {
    expect(loaded.positionOf('/stages/greeting/next/1/intent')).toEqual(where(yamlText, '{ to: gather'));
    expect(loaded.positionOf('/stages/nowhere/next/0')).toEqual(loaded.positionOf('/stages'));
  });

  it('gives key positions, and anchors collections at their key and scalars at their value', () => {
    expect(loaded.positions.keyPositionOf('/stages/greeting')).toEqual(where(yamlText, 'greeting:'));
    expect(loaded.positions.anchorOf('/stages/greeting')).toEqual(where(yamlText, 'greeting:'));
    expect(loaded.positions.anchorOf('/stages/greeting/next')).toEqual(where(yamlText, 'next:'));
    expect(loaded.positions.anchorOf('/stages/folded/list')).toEqual(where(yamlText, 'list:'));
    expect(loaded.positions.anchorOf('/stages/greeting/next/0/to')).toEqual(where(yamlText, 'reassure'));
  });

  it('maps offsets inside strings into the file for literal, folded, quoted and plain scalars', () => {
    const value = loaded.value as Record<string, any>;
    const inString = (pointer: string, str: string, needle: string) => loaded.positions.positionInString(pointer, str.indexOf(needle));
    const greeting = value.stages.greeting;
    expect(inString('/stages/greeting/guidance', greeting.guidance, '{{#if}}')).toEqual(where(yamlText, '{{#if}}'));
    expect(inString('/stages/greeting/next/0/intent', greeting.next[0].intent, '{{x}}')).toEqual(where(yamlText, '{{x}}'));
    expect(inString('/stages/greeting/next/1/when', greeting.next[1].when, '{{y}}')).toEqual(where(yamlText, '{{y}}'));
    expect(inString('/stages/folded/say', value.stages.folded.say, '{{z}}')).toEqual(where(yamlText, '{{z}}'));
    expect(inString('/stages/folded/plain', value.stages.folded.plain, '{{w}}')).toEqual(where(yamlText, '{{w}}'));
    // Line and column inside a template → file position.
    expect(loaded.positions.positionInStringAt('/stages/greeting/guidance', 2, 11)).toEqual(where(yamlText, '{{#if}}'));
  });

  it('maps block scalars with an explicit indentation indicator and keep chomping', () => {
    const text = 'a:\n  b: |2\n      indented {{q}}\n    less\n  c: |+\n    kept {{k}}\n\n';
    const doc = loadFlowText(text);
    const value = doc.value as { a: { b: string; c: string } };
    expect(value.a.b).toBe('  indented {{q}}\nless\n');
    expect(doc.positions.positionInString('/a/b', value.a.b.indexOf('{{q}}'))).toEqual(where(text, '{{q}}'));
    expect(doc.positions.positionInString('/a/b', value.a.b.indexOf('less'))).toEqual(where(text, 'less'));
    expect(doc.positions.positionInString('/a/c', value.a.c.indexOf('{{k}}'))).toEqual(where(text, '{{k}}'));
  });
});

describe('loadFlowText (JSON)', () => {
  const jsonText = '{\n  "id": "demo",\n  "stages": {\n    "greeting": { "next": [ { "to": "reassure", "when": "a = \\"x\\" and {{b}}" } ] }\n  }\n}\n';
  const loaded = loadFlowText(jsonText, { file: 'demo.json' });

  it('uses the same position model as YAML', () => {
    expect(loaded.format).toBe('json');
    expect(loaded.findings).toEqual([]);
    expect(loaded.positionOf('/id')).toEqual(where(jsonText, '"demo"'));
    expect(loaded.positionOf('/stages/greeting/next/0/to')).toEqual(where(jsonText, '"reassure"'));
    expect(loaded.positions.anchorOf('/stages/greeting')).toEqual(where(jsonText, '"greeting"'));
    const when = (loaded.value as any).stages.greeting.next[0].when as string;
    expect(loaded.positions.positionInString('/stages/greeting/next/0/when', when.indexOf('{{b}}'))).toEqual(where(jsonText, '{{b}}'));
  });

  it.each([
    ['a missing comma, at the end of the value before it', '{\n  "a": 1\n  "b": 2\n}', { line: 2, column: 9 }, /comma missing/],
    ['a trailing comma, at the comma', '{\n  "a": [1, 2,],\n  "b": 1\n}', { line: 2, column: 13 }, /comma before "\]"/],
    ['a comment', '{\n  // note\n  "a": 1\n}', { line: 2, column: 3 }, /comments are not allowed/],
    ['single quotes', "{ 'a': 1 }", { line: 1, column: 3 }, /double quotes/],
    ['an unclosed string, where it starts', '{ "a": "oops\n}', { line: 1, column: 8 }, /must end on the line/],
    ['text after the document', '{ "a": 1 } x', { line: 1, column: 12 }, /after the end/],
    ['an empty file', '', { line: 1, column: 1 }, /file ends/],
  ])('reports %s with line and column', (_name, text, position, message) => {
    const result = loadFlowText(text, { format: 'json' });
    expect(result.value).toBeUndefined();
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ code: 'FLOW_SYNTAX', severity: 'error', position });
    expect(result.findings[0]!.message).toMatch(message);
  });

  it('reports duplicate keys with a pointer and where the first one is', () => {
    const text = '{\n  "stages": {\n    "a": {},\n    "a": {}\n  }\n}';
    const result = loadFlowText(text, { file: 'dup.json' });
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'FLOW_DUPLICATE_KEY', pointer: '/stages/a', file: 'dup.json', position: { line: 4, column: 5 } }),
    ]);
    expect(result.findings[0]!.message).toContain('first on line 3');
    expect(result.value).toEqual({ stages: { a: {} } });
    const nested = loadFlowText('{"a": [{"b": 1}, {"b~/": 1,\n "b~/": 2}]}', { format: 'json' });
    expect(nested.findings).toEqual([expect.objectContaining({ code: 'FLOW_DUPLICATE_KEY', pointer: '/a/1/b~0~1', position: { line: 2, column: 2 } })]);
    expect(nested.value).toEqual({ a: [{ b: 1 }, { 'b~/': 2 }] });
    expect(nested.positionOf('/a/1')).toEqual({ line: 1, column: 18 });
  });
});

describe('loadFlowText syntax errors', () => {
  it('reports a YAML syntax error with its line and column and gives no value', () => {
    const text = 'id: demo\nstages:\n  greeting:\n    next: [ { to: a }\n  other: 1\n';
    const result = loadFlowText(text);
    expect(result.value).toBeUndefined();
    expect(result.findings[0]).toMatchObject({ code: 'FLOW_SYNTAX', severity: 'error', position: { line: 5, column: 3 } });
    expect(result.findings[0]!.hint).toMatch(/indentation/);
  });

  it('explains unquoted ": " in text', () => {
    const result = loadFlowText('stages:\n  a:\n    guidance: Say: hello\n');
    expect(result.findings[0]).toMatchObject({ code: 'FLOW_SYNTAX', position: { line: 3, column: 15 } });
    expect(result.findings[0]!.hint).toMatch(/must be quoted/);
  });

  it('reports YAML duplicate keys but keeps the document', () => {
    const text = 'stages:\n  greeting: { say: a }\n  closing: { type: end }\n  greeting: { say: b }\n';
    const result = loadFlowText(text);
    expect(result.findings).toEqual([expect.objectContaining({ code: 'FLOW_DUPLICATE_KEY', pointer: '/stages/greeting', position: { line: 4, column: 3 } })]);
    expect(result.value).toEqual({ stages: { greeting: { say: 'b' }, closing: { type: 'end' } } });
    // Positions follow the value that is used: the last one.
    expect(result.positionOf('/stages/greeting/say')).toEqual({ line: 4, column: 20 });
  });

  it('refuses several documents, unknown tags and alias bombs', () => {
    expect(loadFlowText('a: 1\n---\nb: 2\n').findings[0]).toMatchObject({ code: 'FLOW_SYNTAX', position: { line: 2, column: 1 } });
    expect(loadFlowText('a: !secret x\n').findings[0]).toMatchObject({ code: 'FLOW_SYNTAX', position: { line: 1, column: 4 } });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const result = loadFlowText(bomb);
    expect(result.value).toBeUndefined();
    expect(result.findings[0]!.code).toBe('FLOW_SYNTAX');
  });

  it('never throws, whatever part of a flow it is given', () => {
    const sample = yamlText + '\n' + '{ "x": [1, {"y": "z"}] }';
    for (let end = 0; end <= sample.length; end += 3) {
      for (const format of ['yaml', 'json'] as const) {
        const result = loadFlowText(sample.slice(0, end), { format });
        for (const finding of result.findings) expect(finding.position!.line).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('detects the format from the file name, else from the text', () => {
    expect(detectFormat('{}', 'a.JSON')).toBe('json');
    expect(detectFormat('{}', 'a.yml')).toBe('yaml');
    expect(detectFormat('  {"a": 1}')).toBe('json');
    expect(detectFormat('a: 1')).toBe('yaml');
  });
});

describe('loadFlowFile', () => {
  it('reads a file and names it in findings; an unreadable file throws IO', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-load-'));
    try {
      const file = path.join(dir, 'dup.yaml');
      await writeFile(file, 'a: 1\na: 2\n');
      const loaded = await loadFlowFile(file);
      expect(loaded.findings[0]).toMatchObject({ code: 'FLOW_DUPLICATE_KEY', file });
      await expect(loadFlowFile(path.join(dir, 'missing.yaml'))).rejects.toSatisfy(
        (error: unknown) => error instanceof ParleyError && error.code === 'IO' && /no such file/.test(error.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
