/**
 * Writes generated cases into a flow test file's text without touching what
 * is there: the new items are inserted as text after the last item of the
 * `cases` list, indented like it, so the file's comments, quoting and layout
 * stay exactly as the person wrote them. Only when there is no block list of
 * cases to extend (no `cases`, or `cases: []`) is the document re-serialised
 * with the `yaml` package, which keeps comments. A new file starts with the
 * schema line editors use for completion.
 */
import path from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { fromRoot } from '../util/package-root.js';
import type { SkeletonCase } from './skeleton-cases.js';

/** Keys whose mappings are written on one line (`expect: { stage: gather }`). */
const FLOW_KEYS = new Set(['expect', 'caller', 'with']);

/** One case as YAML lines: the comments, then `- name: …`, indented by `indent`. */
export function renderCase(entry: SkeletonCase, indent: string): string {
  const doc = new Document([entry.case]);
  visit(doc, {
    Map(_key, node, ancestors) {
      const parent = ancestors.at(-1);
      if (isPair(parent) && isScalar(parent.key) && FLOW_KEYS.has(String(parent.key.value))) node.flow = true;
      // `faults` items: `- { use: calendar.book }`.
      const grandparent = ancestors.at(-2);
      if (isSeq(parent) && isPair(grandparent) && isScalar(grandparent.key) && grandparent.key.value === 'faults') node.flow = true;
    },
  });
  const body = doc.toString({ lineWidth: 0 }).trimEnd();
  const comments = entry.comments.map((line) => `# ${line}`);
  return [...comments, ...body.split('\n')].map((line) => indent + line).join('\n');
}

/** The schema line of a new test file, relative to where it is written. */
export function schemaHeader(testFile: string): string {
  const schema = path.relative(path.dirname(path.resolve(testFile)), fromRoot('schemas', 'flow-test.schema.json')).split(path.sep).join('/');
  return `# yaml-language-server: $schema=${schema}`;
}

/** The text of a new test file holding `cases`. */
export function newTestFileText(testFile: string, flowFile: string, cases: readonly SkeletonCase[]): string {
  return [
    schemaHeader(testFile),
    '#',
    `# Test cases for ${path.basename(flowFile)}: run them with \`npx parley test ${path.basename(flowFile)}\`.`,
    '# Written by `parley test --generate`: fill in each TODO (a case with one left does not run).',
    '',
    'defaults:',
    '  # The same day and time on every run, so opening hours and free slots do not change.',
    '  now: 2026-01-06T15:00:00Z',
    '  # Data for the connectors the flow uses, e.g. seeds: { calendar: [dental], crm: [dental] }',
    '',
    'cases:',
    cases.map((entry) => renderCase(entry, '  ')).join('\n\n'),
    '',
  ].join('\n');
}

/** `text` with `cases` appended to its list of cases; the existing text is kept as it is. */
export function appendCases(text: string, cases: readonly SkeletonCase[]): string {
  const doc = parseDocument(text);
  const list = isMap(doc.contents) ? doc.contents.get('cases', true) : undefined;
  if (isSeq(list) && !list.flow && list.items.length > 0 && list.range) {
    const firstItem = list.items[0] as { range?: [number, number, number] };
    const start = firstItem.range?.[0] ?? list.range[0];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const dash = text.indexOf('-', lineStart);
    const indent = ' '.repeat(Math.max(0, dash - lineStart));
    // After the list's last value, at the end of its line.
    const valueEnd = list.range[1];
    const lineEnd = text.indexOf('\n', valueEnd - 1);
    const at = lineEnd < 0 ? text.length : lineEnd;
    const inserted = cases.map((entry) => `\n\n${renderCase(entry, indent)}`).join('');
    const before = text.slice(0, at);
    const after = text.slice(at);
    return before + inserted + (after.length > 0 ? after : '\n');
  }
  // No block list to extend: set `cases` through the document (comments are kept).
  const existing = isSeq(list) ? (list.toJSON() as unknown[]) : [];
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  doc.set('cases', doc.createNode([...existing, ...cases.map((entry) => entry.case)]));
  return doc.toString({ lineWidth: 0 });
}
