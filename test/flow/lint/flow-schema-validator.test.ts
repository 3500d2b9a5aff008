import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FLOW_SCHEMA, validateFlowDocument } from '../../../engine/flow/lint/flow-schema-validator.js';

const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof import('ajv/dist/2020.js').default;

describe('flow schema validator', () => {
  it('uses a flow schema that is itself valid JSON Schema 2020-12 (the linter does not re-check it at start-up)', () => {
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validateSchema(FLOW_SCHEMA), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('validates documents against it', () => {
    expect(validateFlowDocument({ id: 'x', name: 'X', agent: { instructions: 'hi' }, initial: 'a', stages: { a: { type: 'end' } } })).toEqual([]);
    expect(validateFlowDocument({ id: 'x' }).map((error) => error.keyword)).toContain('required');
  });
});
