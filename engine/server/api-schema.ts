/**
 * The shared API definitions, `schemas/api.schema.json` (`$id: parley-api`):
 * the source of truth for request and response bodies (STYLE §4). `build()`
 * registers the document with fastify; routes point into it with `ref()`,
 * which fails at start, not at request time, when a definition is misspelled.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../util/package-root.js';

interface ApiSchemaDocument {
  $id: string;
  $defs: Record<string, { description?: string }>;
  [keyword: string]: unknown;
}

/** `schemas/api.schema.json`, parsed once. */
export const API_SCHEMA: ApiSchemaDocument = JSON.parse(readFileSync(fromRoot('schemas', 'api.schema.json'), 'utf8')) as ApiSchemaDocument;

/**
 * A reference to `parley-api#/$defs/<name>`, with the definition's description
 * beside it: the OpenAPI generator names a response after the description next
 * to the reference (otherwise it takes the whole document's).
 */
export function ref(name: string): { $ref: string; description: string } {
  const definition = API_SCHEMA.$defs[name];
  if (!definition) throw new Error(`schemas/api.schema.json has no definition "${name}"`);
  return { $ref: `${API_SCHEMA.$id}#/$defs/${name}`, description: definition.description ?? name };
}

/** The error shape for every failing status, documented once per route. */
export const ERROR_RESPONSES = {
  '4xx': ref('Error'),
  '5xx': ref('Error'),
} as const;
