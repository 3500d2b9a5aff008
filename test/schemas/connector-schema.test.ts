import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createSchemaCompiler } from '../../engine/connectors/schema-compiler.js';

const schema = JSON.parse(await readFile('schemas/connector.schema.json', 'utf8')) as Record<string, unknown>;

/** Paths of every property (in any `properties` map of a schema) that has no description. Walks schema positions only; `if` conditions are not documentation. */
function undocumented(schema: unknown, path: string, out: string[]): string[] {
  if (!schema || typeof schema !== 'object') return out;
  const node = schema as Record<string, unknown>;
  for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    if (typeof prop.description !== 'string' || prop.description.length < 5) out.push(`${path}/properties/${name}`);
    undocumented(prop, `${path}/properties/${name}`, out);
  }
  for (const [name, def] of Object.entries((node.$defs ?? {}) as Record<string, unknown>)) undocumented(def, `${path}/$defs/${name}`, out);
  for (const key of ['additionalProperties', 'items', 'then', 'else', 'not']) undocumented(node[key], `${path}/${key}`, out);
  for (const key of ['allOf', 'anyOf', 'oneOf']) (node[key] as unknown[] | undefined)?.forEach((s, i) => undocumented(s, `${path}/${key}/${i}`, out));
  return out;
}

describe('schemas/connector.schema.json', () => {
  it('is a valid 2020-12 schema', () => {
    expect(() => createSchemaCompiler('output').compile(schema)).not.toThrow();
  });

  it('describes every property', () => {
    expect(undocumented(schema, '#', [])).toEqual([]);
  });

  it('accepts every built-in manifest shape and refuses a secret without its variable', () => {
    const validate = createSchemaCompiler('output').compile(schema);
    const manifest = (config: unknown) => ({ name: 'x', version: '1.0.0', description: 'x', config, operations: { a: { description: 'a', input: { type: 'object' }, output: { type: 'object' } } } });
    expect(validate(manifest({ type: 'object', properties: { token: { type: 'string', description: 'Token', 'x-env': 'X_TOKEN', 'x-secret': true } } }))).toBe(true);
    expect(validate(manifest({ type: 'object', properties: { token: { type: 'string', description: 'Token', 'x-secret': true } } }))).toBe(false);
    expect(validate(manifest({ type: 'object', properties: { token: { type: 'string' } } }))).toBe(false);
  });
});
