/**
 * Generates TypeScript types from the JSON Schemas in `schemas/`.
 *
 *   npm run gen:types            write engine/types/*.generated.ts
 *   npm run gen:types -- --check exit 1 when a generated file is out of date
 *
 * The schemas are the source of truth (STYLE §4); the generated files are
 * never edited by hand. `test/schemas/generated-types.test.ts` runs the check.
 */
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** schema file → [generated file, root type name] */
export const GENERATED: ReadonlyArray<readonly [string, string, string]> = [
  ['schemas/flow.schema.json', 'engine/types/flow.generated.ts', 'Flow'],
  ['schemas/connector.schema.json', 'engine/types/connector.generated.ts', 'ConnectorManifest'],
  ['schemas/flow-test.schema.json', 'engine/types/flow-test.generated.ts', 'FlowTestFile'],
];

/**
 * json-schema-to-typescript (v15/v16) cannot resolve recursive `$ref`s that carry
 * sibling keywords (2020-12 allows `{ $ref, description }`), nor `$defs`. Rewrite a
 * copy of the schema into the draft-07 shape it understands; the schema file
 * itself stays 2020-12.
 */
function toDraft7(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft7);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/$defs/', '#/definitions/');
    else if (key === '$defs') out.definitions = toDraft7(value);
    else if (key === 'default') continue; // a default is not a type; the generator would intersect it
    else out[key] = toDraft7(value);
  }
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { ...rest, allOf: [{ $ref }] };
  }
  return out;
}

export async function generate(schemaFile: string, rootName: string): Promise<string> {
  const schema = JSON.parse(await readFile(path.join(root, schemaFile), 'utf8')) as Record<string, unknown>;
  const draft7 = toDraft7(schema) as Record<string, unknown>;
  delete draft7.$id;
  delete draft7.$schema;
  const definitions = (draft7.definitions ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, def] of Object.entries(definitions)) def.title ??= name;
  const body = await compile(draft7 as JSONSchema, rootName, {
    bannerComment: '',
    additionalProperties: false,
    unreachableDefinitions: true,
    format: true,
    style: { singleQuote: true, printWidth: 100 },
  });
  return `/* generated from ${schemaFile} by scripts/generate-types.ts — do not edit */\n\n${body}`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [schemaFile, outFile, rootName] of GENERATED) {
    const text = await generate(schemaFile, rootName);
    const target = path.join(root, outFile);
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current === text) continue;
    if (check) {
      stale++;
      console.error(`${outFile} is out of date with ${schemaFile}: run \`npm run gen:types\``);
    } else {
      await writeFile(target, text);
      console.log(`wrote ${outFile}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
