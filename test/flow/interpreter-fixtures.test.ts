/**
 * The compiler assumes a lint-clean flow (docs/interpreter.md), so the flows
 * its tests and the interpreter's tests run must be lint-clean too: written
 * against the real built-in connector catalog, not an imagined one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectorHost } from '../../engine/connectors/connector-host.js';
import { loadFlowText } from '../../engine/flow/load-flow.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';
import { FIXTURES } from '../helpers/flow-fixtures.js';

const DIR = path.join(FIXTURES, 'interpreter');
const files = readdirSync(DIR).filter((name) => /\.(ya?ml|json)$/.test(name)).sort();

describe('interpreter fixtures', () => {
  it('exist (so the check below checks something)', () => {
    expect(files).toEqual(expect.arrayContaining(['after-hours-router.yaml', 'dental-outreach.yaml']));
  });

  it.each(files)('%s lints with no errors against the built-in catalog', async (name) => {
    const host = await createConnectorHost({ env: {} });
    const file = path.join(DIR, name);
    const { findings } = lintFlow(loadFlowText(readFileSync(file, 'utf8'), { file }), { catalog: host.catalog() });
    const errors = findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.code} ${finding.pointer}: ${finding.message}`);
    expect(errors).toEqual([]);
  });
});
