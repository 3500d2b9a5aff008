import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../engine/util/unified-diff.js';
import { createSeededRandom } from '../../engine/util/seeded-random.js';

/** Applies a unified diff to `from` (the reverse of making one), to check that a diff says exactly what changed. */
function applyDiff(from: string, diff: string): string {
  const source = from === '' ? [] : from.replace(/\n$/, '').split('\n');
  const result: string[] = [];
  let at = 0;
  const body = diff.split('\n').slice(2, -1);
  for (let i = 0; i < body.length; i++) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(body[i]!);
    if (!header) throw new Error(`expected a hunk header, got ${body[i]}`);
    const aStart = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (at < aStart) result.push(source[at++]!);
    while (i + 1 < body.length && !body[i + 1]!.startsWith('@@')) {
      const line = body[++i]!;
      const text = line.slice(1);
      if (line[0] === ' ') {
        expect(source[at]).toBe(text);
        result.push(text);
        at++;
      } else if (line[0] === '-') {
        expect(source[at]).toBe(text);
        at++;
      } else result.push(text);
    }
  }
  while (at < source.length) result.push(source[at++]!);
  return result.length ? result.join('\n') + '\n' : '';
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('writes hunks with context like diff -u', () => {
    const from = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'].join('\n') + '\n';
    const to = from.replace('two\n', 'TWO\n').replace('eleven\n', '');
    expect(unifiedDiff(from, to, { fromLabel: 'v1', toLabel: 'draft' })).toBe(
      [
        '--- v1',
        '+++ draft',
        '@@ -1,5 +1,5 @@',
        ' one',
        '-two',
        '+TWO',
        ' three',
        ' four',
        ' five',
        '@@ -8,5 +8,4 @@',
        ' eight',
        ' nine',
        ' ten',
        '-eleven',
        ' twelve',
        '',
      ].join('\n'),
    );
  });

  it('handles texts added from nothing and removed to nothing', () => {
    expect(unifiedDiff('', 'a\nb\n')).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '')).toBe('--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('gives up past maxEdits', () => {
    expect(unifiedDiff('a\nb\nc\n', 'x\ny\nz\n', { maxEdits: 3 })).toBeUndefined();
    expect(unifiedDiff('a\nb\nc\n', 'x\ny\nz\n', { maxEdits: 6 })).toContain('+z');
  });

  it('produces diffs that turn the old text into the new one (random edits)', () => {
    const random = createSeededRandom(7);
    for (let round = 0; round < 200; round++) {
      const words = ['stage', 'to', 'intent', 'guidance', 'next', 'tools', 'end'];
      const from = Array.from({ length: Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]!);
      const to = from.filter(() => random() > 0.2).flatMap((w) => (random() > 0.85 ? [w, words[Math.floor(random() * words.length)]!] : [w]));
      const a = from.length ? from.join('\n') + '\n' : '';
      const b = to.length ? to.join('\n') + '\n' : '';
      const diff = unifiedDiff(a, b, { context: round % 4 })!;
      expect(diff === '' ? a : applyDiff(a, diff)).toBe(b);
    }
  });
});
