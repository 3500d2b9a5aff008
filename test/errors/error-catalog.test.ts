import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_SECTIONS } from '../../engine/errors/catalog.js';
import { ParleyError } from '../../engine/errors/parley-error.js';
import { ERRORS_DOC, renderErrorDocs } from '../../scripts/generate-error-docs.js';

describe('error catalogue', () => {
  it('docs/errors.md is generated from the catalogue (run `npm run gen:docs`)', async () => {
    expect(await readFile(ERRORS_DOC, 'utf8')).toBe(renderErrorDocs());
  });

  it('every code appears in exactly one section, in UPPER_SNAKE_CASE, with a meaning and a fix', () => {
    const seen = new Map<string, string>();
    for (const section of ERROR_SECTIONS) {
      for (const code of Object.keys(section.codes)) {
        expect(seen.get(code), `${code} is in both ${seen.get(code)} and ${section.title}`).toBeUndefined();
        seen.set(code, section.title);
      }
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
    for (const [code, def] of Object.entries(ERROR_CATALOG)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(def.meaning.length, code).toBeGreaterThan(10);
      expect(def.fix.length, code).toBeGreaterThan(10);
      expect(def.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('ParleyError carries the catalogue entry and serialises without the stack', () => {
    const error = new ParleyError('USAGE', 'parley validate needs a path', { details: { argument: 'paths' } });
    expect(error.status).toBe(400);
    expect(error.kind).toBe('user');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'USAGE',
      message: 'parley validate needs a path',
      hint: ERROR_CATALOG.USAGE.fix,
      details: { argument: 'paths' },
    });
  });
});
