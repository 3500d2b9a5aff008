import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../engine/util/package-root.js';

const schema = JSON.parse(readFileSync(fromRoot('schemas', 'api.schema.json'), 'utf8')) as { $defs: Record<string, unknown> };

/** Every place in the document that declares properties, with the names lacking a description. */
function undocumented(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) node.forEach((item, i) => undocumented(item, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const key of ['properties', 'patternProperties'] as const) {
      const properties = record[key];
      if (!properties || typeof properties !== 'object') continue;
      for (const [name, property] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
        // A bare reference takes its description from the definition it points to.
        const onlyRef = typeof property.$ref === 'string' && Object.keys(property).length === 1;
        if (!onlyRef && typeof property.description !== 'string') out.push(`${path}/${key}/${name}`);
      }
    }
    for (const [key, value] of Object.entries(record)) undocumented(value, `${path}/${key}`, out);
  }
  return out;
}

describe('schemas/api.schema.json', () => {
  it('is a valid schema that fastify\'s validator (Ajv, draft-07) compiles', () => {
    const ajv = new Ajv({ strict: false });
    ajv.addSchema(schema as object);
    for (const name of Object.keys(schema.$defs)) expect(() => ajv.getSchema(`parley-api#/$defs/${name}`)).not.toThrow();
  });

  it('describes every definition and every property (the OpenAPI document at /docs is built from them)', () => {
    const missing = Object.entries(schema.$defs)
      .filter(([, definition]) => typeof (definition as { description?: unknown }).description !== 'string')
      .map(([name]) => `/$defs/${name}`);
    expect([...missing, ...undocumented(schema, '', [])]).toEqual([]);
  });
});
