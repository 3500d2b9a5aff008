/**
 * Data-driven: every file under test/fixtures/flows/{invalid,valid} declares
 * the exact findings it must produce, and produces exactly those.
 *
 * Convention (YAML: comment lines in the file; JSON: the same lines in a
 * `<file>.expect` sidecar, since JSON has no comments):
 *
 *   # expect: <CODE> <severity> <line>:<column> <pointer> [~ text the message or hint contains …]
 *   # catalog: <name>      lint with test/fixtures/catalog/<name>.json
 *
 * The pointer is `""` for the whole document. Every finding must be
 * expected and every expectation found; invalid fixtures must have an error,
 * valid ones none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOW_ERRORS } from '../../engine/errors/flow-errors.js';
import { loadFlowText } from '../../engine/flow/load-flow.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';
import type { ConnectorCatalog } from '../../engine/connectors/catalog.js';

const ROOT = 'test/fixtures/flows';
const FLOW_FILE = /\.(ya?ml|json)$/;

interface Expectation {
  key: string;
  contains: string[];
}

function directives(file: string, text: string): string {
  if (!file.endsWith('.json')) return text;
  const sidecar = `${file}.expect`;
  return existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : '';
}

function parseExpectations(source: string): Expectation[] {
  const expectations: Expectation[] = [];
  // The pointer runs to the end of the line or to ` ~ ` (stage names may not, but pointers can, contain spaces).
  for (const match of source.matchAll(/^#\s*expect:\s*(\S+)\s+(\S+)\s+(\d+:\d+)\s+(.+?)(?:\s+~\s+(.*))?\s*$/gm)) {
    const pointer = match[4] === '""' ? '' : match[4]!;
    expectations.push({
      key: `${match[1]} ${match[2]} ${match[3]} ${pointer}`,
      contains: match[5] ? match[5].split(/\s+~\s+/).map((text) => text.trim()) : [],
    });
  }
  return expectations;
}

function catalogFor(source: string): ConnectorCatalog | undefined {
  const name = /^#\s*catalog:\s*(\S+)/m.exec(source)?.[1];
  return name ? (JSON.parse(readFileSync(path.join('test/fixtures/catalog', `${name}.json`), 'utf8')) as ConnectorCatalog) : undefined;
}

function lintFixture(file: string) {
  const text = readFileSync(file, 'utf8');
  const source = directives(file, text);
  const result = lintFlow(loadFlowText(text, { file }), { catalog: catalogFor(source) });
  return { result, expectations: parseExpectations(source) };
}

const filesOf = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((name) => FLOW_FILE.test(name))
    .sort()
    .map((name) => path.join(ROOT, dir, name));

describe.each(['invalid', 'valid'])('%s flow fixtures', (dir) => {
  it.each(filesOf(dir))('%s', (file) => {
    const { result, expectations } = lintFixture(file);
    const actual = result.findings.map((finding) => `${finding.code} ${finding.severity} ${finding.position ? `${finding.position.line}:${finding.position.column}` : '-'} ${finding.pointer}`);
    expect(actual.sort()).toEqual(expectations.map((expectation) => expectation.key).sort());
    for (const expectation of expectations) {
      if (!expectation.contains.length) continue;
      const finding = result.findings.find((candidate) => `${candidate.code} ${candidate.severity} ${candidate.position!.line}:${candidate.position!.column} ${candidate.pointer}` === expectation.key)!;
      for (const text of expectation.contains) expect(`${finding.message}\n${finding.hint ?? ''}`).toContain(text);
    }
    for (const finding of result.findings) {
      expect(finding.file).toBe(file);
      expect(finding.message.length).toBeGreaterThan(10);
      expect(finding.severity).toBe(FLOW_ERRORS[finding.code as keyof typeof FLOW_ERRORS].severity);
    }
    if (dir === 'invalid') {
      expect(result.findings.length, 'an invalid fixture must produce findings').toBeGreaterThan(0);
    } else {
      expect(result.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      expect(result.flow, 'a valid flow is returned typed').toBeDefined();
    }
  });
});

describe('flow fixtures as a whole', () => {
  it('cover every flow finding code at least once', () => {
    const covered = new Set(filesOf('invalid').flatMap((file) => lintFixture(file).result.findings.map((finding) => finding.code)));
    const missing = Object.keys(FLOW_ERRORS).filter((code) => !covered.has(code as keyof typeof FLOW_ERRORS));
    expect(missing).toEqual([]);
  });

  it('are at least 40 malformed documents', () => {
    expect(filesOf('invalid').length).toBeGreaterThanOrEqual(40);
  });
});
